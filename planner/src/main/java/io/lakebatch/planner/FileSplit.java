package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * A byte range of one file aligned to row-group boundaries: a Parquet reader given {@code [start,
 * start + length)} reads exactly the row groups whose midpoint falls in it, which are the ones the
 * planner put here.
 *
 * @param cost estimated cost of the split's rows under the plan's {@link RowCost}; its rows under
 *     the default rows-only cost
 */
public record FileSplit(String path, long start, long length, long rows, long fileSize, long cost)
    implements Serializable {
  public FileSplit {
    requireNonNull(path, "path is null");
    if (start < 0 || length < 0 || rows < 0 || start > fileSize || length > fileSize - start) {
      throw new IllegalArgumentException(
          "Invalid split of "
              + path
              + ": start "
              + start
              + ", length "
              + length
              + ", file size "
              + fileSize);
    }
    if (cost < 0) {
      throw new IllegalArgumentException("Invalid split of " + path + ": negative cost " + cost);
    }
  }

  /** A split whose cost is its rows (the rows-only cost). */
  public FileSplit(String path, long start, long length, long rows, long fileSize) {
    this(path, start, length, rows, fileSize, rows);
  }

  public boolean wholeFile() {
    return start == 0 && length == fileSize;
  }
}
