package io.lakebatch.planner;

import java.util.Arrays;
import java.util.List;

/** The immutable result of planning: chunks in commit order, and statistics about their balance. */
public record InferencePlan(List<Chunk> chunks, long rowsPerTask) {
  public InferencePlan {
    chunks = List.copyOf(chunks);
  }

  public long totalRows() {
    return chunks.stream().mapToLong(Chunk::rows).sum();
  }

  public int taskCount() {
    return chunks.stream().mapToInt(c -> c.tasks().size()).sum();
  }

  public long fileCount() {
    return chunks.stream()
        .flatMap(c -> c.splits().stream())
        .map(FileSplit::path)
        .distinct()
        .count();
  }

  public long splitCount() {
    return chunks.stream().mapToLong(c -> c.splits().size()).sum();
  }

  /** Task row counts, sorted ascending. */
  public long[] taskRows() {
    long[] rows =
        chunks.stream().flatMap(c -> c.tasks().stream()).mapToLong(PlannedTask::rows).toArray();
    Arrays.sort(rows);
    return rows;
  }

  /** Task estimated costs ({@link PlannedTask#cost()}), sorted ascending. */
  public long[] taskCosts() {
    long[] costs =
        chunks.stream().flatMap(c -> c.tasks().stream()).mapToLong(PlannedTask::cost).toArray();
    Arrays.sort(costs);
    return costs;
  }

  /**
   * Expected skew: the largest task's rows over the median task's (1.0 = perfectly balanced). A
   * chunk's wall time is its largest task's, so this is the slowdown skew costs.
   */
  public double estimatedSkew() {
    return maxOverMedian(taskRows());
  }

  /**
   * Expected skew in estimated cost: the largest task's cost over the median task's. It equals
   * {@link #estimatedSkew()} under the rows-only cost; under a column-bytes cost it is the better
   * estimate of the slowdown when rows differ in cost.
   */
  public double estimatedCostSkew() {
    return maxOverMedian(taskCosts());
  }

  private static double maxOverMedian(long[] sorted) {
    if (sorted.length == 0) {
      return 1.0;
    }
    long median = sorted[(sorted.length - 1) / 2];
    return median == 0 ? 1.0 : (double) sorted[sorted.length - 1] / median;
  }
}
