package io.lakebatch.udf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rows of a task in windows of {@code window} rows, each window sorted by the length of one column
 * (the bytes of a text, the elements of an array), so a batch holds rows of similar length and is
 * padded little. Order across windows and within equal lengths is kept, and every row keeps its
 * {@link #position() position} in the input, so results can be put back in input order ({@link
 * InputOrder}).
 */
final class LengthSortedRows implements Iterator<InternalRow> {
  private final Iterator<InternalRow> input;
  private final int ordinal;
  private final boolean array;
  private final int window;
  private final List<Positioned> buffered = new ArrayList<>();
  private int next;
  private long read;
  private long position = -1;

  private record Positioned(InternalRow row, long position, int length) {}

  /**
   * @param type the sort column's type: a string or an array
   */
  LengthSortedRows(Iterator<InternalRow> input, int ordinal, DataType type, int window) {
    if (!(type instanceof ArrayType) && !type.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("cannot sort by the length of a " + type + " column");
    }
    this.input = input;
    this.ordinal = ordinal;
    this.array = type instanceof ArrayType;
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
      InternalRow row = input.next().copy(); // the reader reuses its row object
      buffered.add(new Positioned(row, read++, length(row)));
    }
    buffered.sort(Comparator.comparingInt(Positioned::length));
    return !buffered.isEmpty();
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Positioned row = buffered.get(next++);
    position = row.position();
    return row.row();
  }

  /** The input position (0-based, within the task) of the row {@link #next()} returned last. */
  long position() {
    return position;
  }

  /** Every row at an input position below this one has been returned by {@link #next()}. */
  long returnedBelow() {
    return next < buffered.size() ? read - buffered.size() : read;
  }

  private int length(InternalRow row) {
    if (row.isNullAt(ordinal)) {
      return 0;
    }
    return array ? row.getArray(ordinal).numElements() : row.getUTF8String(ordinal).numBytes();
  }
}
