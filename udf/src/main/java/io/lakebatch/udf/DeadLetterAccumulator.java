package io.lakebatch.udf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.AccumulatorV2;

/**
 * Gathers a chunk's rejected rows on the driver while the chunk's single scoring job runs, so the
 * scored rows are written in one pass and the dead letters can still be committed before them.
 *
 * <p>Rows are kept by partition and a partition's letters replace any earlier ones on merge: a task
 * that ran twice (a retry after a lost executor, a speculative copy) reports the same rows twice,
 * and they must count once. Up to {@code capPerPartition} rows are kept per partition; past that
 * only the count is, and the chunk re-reads its rejected rows with a validation-only pass.
 */
public final class DeadLetterAccumulator extends AccumulatorV2<InternalRow, DeadLetterAccumulator.Letters>
    implements DeadLetterSink {
  /** Rejected rows kept per partition before the validation-only pass is needed. */
  public static final int DEFAULT_CAP_PER_PARTITION = 10_000;

  private final int capPerPartition;
  private Map<Integer, PartitionLetters> byPartition = new HashMap<>();

  public DeadLetterAccumulator(int capPerPartition) {
    if (capPerPartition < 0) {
      throw new IllegalArgumentException("Invalid cap (negative): " + capPerPartition);
    }
    this.capPerPartition = capPerPartition;
  }

  /** What a chunk's tasks rejected: the count, and the rows unless some partition overflowed. */
  public record Letters(long count, List<InternalRow> rows, boolean complete) implements Serializable {}

  private static final class PartitionLetters implements Serializable {
    long count;
    final List<InternalRow> rows = new ArrayList<>();
  }

  @Override
  public boolean isZero() {
    return byPartition.isEmpty();
  }

  @Override
  public DeadLetterAccumulator copy() {
    DeadLetterAccumulator copy = new DeadLetterAccumulator(capPerPartition);
    copy.byPartition = new HashMap<>(byPartition);
    return copy;
  }

  @Override
  public void reset() {
    byPartition = new HashMap<>();
  }

  @Override
  public void add(InternalRow rejected) {
    TaskContext task = TaskContext.get();
    PartitionLetters letters = byPartition.computeIfAbsent(task == null ? 0 : task.partitionId(),
        p -> new PartitionLetters());
    letters.count++;
    if (letters.rows.size() < capPerPartition) {
      letters.rows.add(rejected.copy());
    }
  }

  @Override
  public void merge(AccumulatorV2<InternalRow, Letters> other) {
    byPartition.putAll(((DeadLetterAccumulator) other).byPartition);
  }

  @Override
  public Letters value() {
    long count = 0;
    boolean complete = true;
    List<InternalRow> rows = new ArrayList<>();
    for (PartitionLetters letters : byPartition.values()) {
      count += letters.count;
      complete &= letters.rows.size() == letters.count;
      rows.addAll(letters.rows);
    }
    return new Letters(count, complete ? rows : List.of(), complete);
  }
}
