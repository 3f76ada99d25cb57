package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * A byte range of one file aligned to row-group boundaries: a Parquet reader given {@code [start,
 * start + length)} reads exactly the row groups whose midpoint falls in it, which are the ones the
 * planner put here.
 */
public record FileSplit(String path, long start, long length, long rows, long fileSize)
    implements Serializable {
  public FileSplit {
    requireNonNull(path, "path is null");
    if (start < 0 || length < 0 || rows < 0 || start > fileSize || length > fileSize - start) {
      throw new IllegalArgumentException(
          "Invalid split of " + path + ": start " + start + ", length " + length + ", file size " + fileSize);
    }
  }

  public boolean wholeFile() {
    return start == 0 && length == fileSize;
  }
}
