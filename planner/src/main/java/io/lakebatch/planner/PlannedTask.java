package io.lakebatch.planner;

import java.io.Serializable;
import java.util.List;

/** The splits one Spark task reads. */
public record PlannedTask(int index, List<FileSplit> splits) implements Serializable {
  public PlannedTask {
    splits = List.copyOf(splits);
  }

  public long rows() {
    return splits.stream().mapToLong(FileSplit::rows).sum();
  }

  /** Estimated cost of the task's rows, in the units of the plan's {@link RowCost}. */
  public long cost() {
    return splits.stream().mapToLong(FileSplit::cost).sum();
  }
}
