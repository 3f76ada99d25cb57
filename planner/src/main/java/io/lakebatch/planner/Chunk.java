package io.lakebatch.planner;

import java.util.List;

/**
 * The unit of commit, progress, retry and resume: a fixed set of splits decided from the pinned
 * input, so a rerun covers exactly the same rows. Its rows are committed in one Delta transaction.
 */
public record Chunk(int index, List<PlannedTask> tasks) {
  public Chunk {
    tasks = List.copyOf(tasks);
  }

  public long rows() {
    return tasks.stream().mapToLong(PlannedTask::rows).sum();
  }

  public List<FileSplit> splits() {
    return tasks.stream().flatMap(t -> t.splits().stream()).toList();
  }

  /**
   * sha256 of the chunk's splits (path, byte range, rows) in order: carried in the chunk's commit
   * metadata, so a resume can prove that a committed chunk id still means the same rows.
   */
  public String splitsHash() {
    StringBuilder text = new StringBuilder();
    for (FileSplit split : splits()) {
      text.append(split.path())
          .append('\t')
          .append(split.start())
          .append('\t')
          .append(split.length())
          .append('\t')
          .append(split.rows())
          .append('\n');
    }
    return io.lakebatch.catalog.spec.RunIdentity.sha256(text.toString());
  }
}
