package io.lakebatch.planner;

/**
 * One Parquet row group: where it starts in its file (its first column chunk), how many rows it
 * holds, and the uncompressed bytes of the cost columns in it ({@link RowCost#columns()}; 0 when
 * none were asked for).
 */
public record RowGroup(long offset, long compressedSize, long rows, long costColumnBytes) {
  public RowGroup {
    if (offset < 0 || compressedSize < 0 || rows < 0) {
      throw new IllegalArgumentException(
          "Invalid row group (negative offset, size or rows): "
              + offset
              + ", "
              + compressedSize
              + ", "
              + rows);
    }
    if (costColumnBytes < 0) {
      throw new IllegalArgumentException(
          "Invalid row group (negative cost column bytes): " + costColumnBytes);
    }
  }

  /** A row group without cost column sizes. */
  public RowGroup(long offset, long compressedSize, long rows) {
    this(offset, compressedSize, rows, 0);
  }
}
