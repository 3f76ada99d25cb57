package io.lakebatch.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written {@link RowGroupSource}: row groups laid out contiguously from offset 4 (after the
 * "PAR1" magic) with sizes proportional to their rows, followed by a footer. Every file has one
 * cost column, {@link #TEXT}, of a fixed number of bytes per row (0 unless registered with {@link
 * #addText}). Counts footer reads.
 */
final class FakeRowGroupSource implements RowGroupSource {
  static final long MAGIC = 4;
  static final long BYTES_PER_ROW = 8;
  static final long FOOTER = 128;
  static final String TEXT = "text";

  private final Map<String, List<RowGroup>> groups = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private boolean reverseOrder;

  /** Registers a file with the given row counts per row group and returns its input file. */
  InputFile add(String path, long... groupRows) {
    return addText(path, 0, groupRows);
  }

  /**
   * Registers a file whose {@link #TEXT} column holds {@code textBytesPerRow} bytes in every row.
   */
  InputFile addText(String path, long textBytesPerRow, long... groupRows) {
    List<RowGroup> list = new ArrayList<>();
    long offset = MAGIC;
    long rows = 0;
    for (long r : groupRows) {
      long size = r * BYTES_PER_ROW;
      list.add(new RowGroup(offset, size, r, r * textBytesPerRow));
      offset += size;
      rows += r;
    }
    groups.put(path, List.copyOf(list));
    return new InputFile(path, offset + FOOTER, rows);
  }

  /** Registers a file of {@code count} row groups of {@code rowsEach} rows. */
  InputFile addUniform(String path, int count, long rowsEach) {
    long[] rows = new long[count];
    java.util.Arrays.fill(rows, rowsEach);
    return add(path, rows);
  }

  /** Returns the row groups out of offset order, as a footer might list them. */
  FakeRowGroupSource reversed() {
    reverseOrder = true;
    return this;
  }

  @Override
  public List<RowGroup> rowGroups(InputFile file) {
    return rowGroups(file, List.of());
  }

  @Override
  public List<RowGroup> rowGroups(InputFile file, List<String> costColumns) {
    calls.merge(file.path(), 1, Integer::sum);
    List<RowGroup> list = groups.get(file.path());
    if (list == null) {
      throw new AssertionError("no footer registered for " + file.path());
    }
    for (String column : costColumns) {
      if (!column.equals(TEXT)) {
        throw new IllegalArgumentException("Cost column " + column + " is not in " + file.path());
      }
    }
    List<RowGroup> copy = new ArrayList<>();
    for (RowGroup g : list) {
      copy.add(
          new RowGroup(
              g.offset(),
              g.compressedSize(),
              g.rows(),
              costColumns.isEmpty() ? 0 : g.costColumnBytes()));
    }
    if (reverseOrder) {
      java.util.Collections.reverse(copy);
    }
    return copy;
  }

  /** The row groups of a file with their {@link #TEXT} bytes, without counting a footer read. */
  List<RowGroup> groupsOf(String path) {
    return groups.get(path);
  }

  int calls(String path) {
    return calls.getOrDefault(path, 0);
  }

  int totalCalls() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }
}
