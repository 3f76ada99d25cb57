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
}
