package io.lakebatch.udf;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Puts scored rows that were read {@link LengthSortedRows length-sorted} back in input order: a row
 * is held until every row before it in the input has been scored or rejected. Holds at most about
 * one sort window of rows.
 */
final class InputOrder {
  private record Held(long position, InternalRow row) {}

  private final PriorityQueue<Held> held =
      new PriorityQueue<>(Comparator.comparingLong(Held::position));

  void add(long position, InternalRow row) {
    held.add(new Held(position, row));
  }

  /** Moves the held rows at positions below {@code bound} to {@code out}, in input order. */
  void releaseBelow(long bound, List<InternalRow> out) {
    while (!held.isEmpty() && held.peek().position() < bound) {
      out.add(held.poll().row());
    }
  }

  /** Moves every held row to {@code out}, in input order. */
  void releaseAll(List<InternalRow> out) {
    releaseBelow(Long.MAX_VALUE, out);
  }
}
