package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

/**
 * One data file of a run's pinned input as it was when the run planned it.
 *
 * @param modificationTime milliseconds since the epoch (Delta's {@code add.modificationTime}, else
 *     the file system's); a file rewritten in place shows a new time or size
 */
public record PinnedFile(String path, long sizeBytes, long modificationTime, long rows) {
  public PinnedFile {
    requireNonNull(path, "path is null");
    if (sizeBytes < 0 || rows < 0) {
      throw new IllegalArgumentException("Invalid pinned file (negative size or rows): " + path);
    }
  }

  public InputFile inputFile() {
    return new InputFile(path, sizeBytes, rows);
  }
}
