package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;

/**
 * How the planner estimates what a row costs to infer, so tasks can be balanced by cost rather than
 * by row count when per-row cost varies (a text model's cost grows with the text's length).
 *
 * <p>A row's estimated cost is {@code bytesPerRowOverhead} plus the uncompressed Parquet bytes of
 * the named top-level columns in that row, as recorded in the footers. With no columns every row
 * costs the same and tasks are balanced by rows, which is the default ({@link #DEFAULT}).
 *
 * <p>Uncompressed sizes are those of the encoded column chunks: for a dictionary-encoded column
 * with many repeated values they understate the decoded length.
 *
 * @param columns top-level columns whose bytes count towards a row's cost, as named in the files;
 *     empty for rows-only
 * @param bytesPerRowOverhead the fixed cost of a row, in bytes of the cost columns
 */
public record RowCost(List<String> columns, double bytesPerRowOverhead) {
  /** The cost model used when a spec sets none: every row costs the same. */
  public static final RowCost DEFAULT = rowsOnly();

  /**
   * The per-row overhead suggested for {@link #byColumnBytes} when a spec names cost columns but no
   * overhead: a row's fixed work (batch slot, output row) weighed as a short text's bytes.
   */
  public static final double DEFAULT_BYTES_PER_ROW_OVERHEAD = 32.0;

  public RowCost {
    requireNonNull(columns, "columns is null");
    columns = List.copyOf(columns);
    if (columns.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("Invalid cost columns (blank name): " + columns);
    }
    if (new HashSet<>(columns).size() != columns.size()) {
      throw new IllegalArgumentException("Invalid cost columns (duplicate name): " + columns);
    }
    if (!(bytesPerRowOverhead > 0) || Double.isInfinite(bytesPerRowOverhead)) {
      throw new IllegalArgumentException(
          "Invalid bytes per row overhead (must be positive and finite): " + bytesPerRowOverhead);
    }
  }

  /** Every row costs 1: tasks are balanced by rows. */
  public static RowCost rowsOnly() {
    return new RowCost(List.of(), 1.0);
  }

  /**
   * A row costs {@code bytesPerRowOverhead} plus the uncompressed bytes of {@code columns} in it.
   *
   * @throws IllegalArgumentException if {@code columns} is empty, or the overhead is not positive
   */
  public static RowCost byColumnBytes(List<String> columns, double bytesPerRowOverhead) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid cost columns (none given); use RowCost.rowsOnly()");
    }
    return new RowCost(columns, bytesPerRowOverhead);
  }

  /** Whether costs need the columns' sizes from every file's footer. */
  public boolean needsColumnSizes() {
    return !columns.isEmpty();
  }

  /**
   * The estimated cost of {@code rows} rows holding {@code columnBytes} bytes of the cost columns.
   */
  public long cost(long rows, long columnBytes) {
    return (long) Math.ceil(rows * bytesPerRowOverhead) + columnBytes;
  }
}
