package io.lakebatch.udf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Rows of a task in windows of {@code window} rows, each window sorted by the byte length of a text
 * column, so a batch holds texts of similar length and is padded little. Order across windows and
 * within equal lengths is kept; a table has no order to keep anyway.
 */
final class LengthSortedRows implements Iterator<InternalRow> {
  private final Iterator<InternalRow> input;
  private final int ordinal;
  private final int window;
  private final List<InternalRow> buffered = new ArrayList<>();
  private int next;

  LengthSortedRows(Iterator<InternalRow> input, int ordinal, int window) {
    this.input = input;
    this.ordinal = ordinal;
    this.window = window;
  }

  @Override
  public boolean hasNext() {
    if (next < buffered.size()) {
      return true;
    }
    buffered.clear();
    next = 0;
    while (buffered.size() < window && input.hasNext()) {
      buffered.add(input.next().copy()); // the reader reuses its row object
    }
    buffered.sort(Comparator.comparingInt(this::length));
    return !buffered.isEmpty();
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return buffered.get(next++);
  }

  private int length(InternalRow row) {
    return row.isNullAt(ordinal) ? 0 : row.getUTF8String(ordinal).numBytes();
  }
}
