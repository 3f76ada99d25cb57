package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.RunIdentity;
import java.util.Comparator;
import java.util.List;

/**
 * The exact input a run planned: the Delta version (or {@code -1} for Parquet, which has no
 * versions) and every data file with its size, modification time and rows, sorted by path.
 */
public record InputFingerprint(long version, List<PinnedFile> files) {
  public InputFingerprint {
    files =
        requireNonNull(files, "files is null").stream()
            .sorted(Comparator.comparing(PinnedFile::path))
            .toList();
  }

  /**
   * sha256 over the version and each file's path, size and rows. The modification time is left out
   * on purpose: copying a table keeps its content but not its times; a rewritten file is caught by
   * comparing the stored times on resume.
   */
  public String sha256() {
    StringBuilder text = new StringBuilder("version=").append(version).append('\n');
    for (PinnedFile file : files) {
      text.append(file.path())
          .append('\t')
          .append(file.sizeBytes())
          .append('\t')
          .append(file.rows())
          .append('\n');
    }
    return RunIdentity.sha256(text.toString());
  }

  public List<InputFile> inputFiles() {
    return files.stream().map(PinnedFile::inputFile).toList();
  }
}
