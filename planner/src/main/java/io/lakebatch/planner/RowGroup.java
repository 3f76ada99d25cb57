package io.lakebatch.planner;

/**
 * One Parquet row group: where it starts in its file (its first column chunk) and how many rows it
 * holds.
 */
public record RowGroup(long offset, long compressedSize, long rows) {
  public RowGroup {
    if (offset < 0 || compressedSize < 0 || rows < 0) {
      throw new IllegalArgumentException(
          "Invalid row group (negative offset, size or rows): " + offset + ", " + compressedSize + ", " + rows);
    }
  }
}
