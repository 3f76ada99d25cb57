package io.lakebatch.api;

import io.lakebatch.catalog.model.OutputColumn;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.DeadLetterSink;
import io.lakebatch.udf.InferenceConfig;
import io.lakebatch.udf.SparkTypeMapping;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * A partition's rows scored by the job's {@link BatchInferenceFunction} (same batching, session
 * cache, row or columnar fill, output decoding), with the rows it rejects kept in the stream
 * instead of a dead-letter table: their outputs null and the rejection reason in {@link
 * #ERROR_COLUMN}.
 *
 * <p>Rows come out in input order except that a rejected row comes out as soon as it is found:
 * before its batch's scored rows (and, for length-sorted padded inputs, before the scored rows of
 * its sort window).
 */
final class ErrorColumnScoring implements Serializable {
  /**
   * Null when the row was scored; else why not (the reason a job writes to its dead-letter table).
   */
  static final String ERROR_COLUMN = "_lakebatch_error";

  private static final InternalRow NO_ERROR = new GenericInternalRow(new Object[] {null});

  private final InferenceConfig config;

  /**
   * @param config its {@code carry} columns are kept beside the outputs (for {@link
   *     DataFrameScorer}: all of them)
   */
  ErrorColumnScoring(InferenceConfig config) {
    this.config = config;
  }

  InferenceConfig config() {
    return config;
  }

  /** The carried columns, then one nullable column per model output, then {@link #ERROR_COLUMN}. */
  StructType outputSchema() {
    StructType schema = new StructType();
    for (String column : config.carry()) {
      schema = schema.add(config.inputSchema().fields()[config.inputSchema().fieldIndex(column)]);
    }
    for (OutputColumn output : config.binding().outputs()) {
      schema = schema.add(output.column(), SparkTypeMapping.dataType(output), true);
    }
    return schema.add(ERROR_COLUMN, DataTypes.StringType, true);
  }

  Iterator<InternalRow> scoreRows(Iterator<InternalRow> rows) {
    RejectedRows rejected = new RejectedRows();
    return new WithRejected(BatchInferenceFunction.scoring(config, rejected).call(rows), rejected);
  }

  Iterator<InternalRow> scoreBatches(Iterator<ColumnarBatch> batches) {
    RejectedRows rejected = new RejectedRows();
    return new WithRejected(
        BatchInferenceFunction.scoring(config, rejected).callColumnar(batches), rejected);
  }

  /**
   * Rejected rows of the batch being scored, already in output form (carried, null outputs,
   * reason).
   */
  private final class RejectedRows implements DeadLetterSink {
    private final transient ArrayDeque<InternalRow> rows = new ArrayDeque<>();

    @Override
    public void add(InternalRow rejected) {
      int carried = config.carry().size();
      int outputs = config.binding().outputs().size();
      Object[] values = new Object[carried + outputs + 1];
      for (int i = 0; i < carried; i++) {
        values[i] =
            rejected.isNullAt(i)
                ? null
                : rejected.get(i, null); // a GenericInternalRow ignores the type
      }
      values[carried + outputs] =
          rejected.getUTF8String(carried + 1); // after the raw values: the reason
      rows.add(new GenericInternalRow(values));
    }
  }

  private static final class WithRejected implements Iterator<InternalRow> {
    private final Iterator<InternalRow> scored;
    private final RejectedRows rejected;

    WithRejected(Iterator<InternalRow> scored, RejectedRows rejected) {
      this.scored = scored;
      this.rejected = rejected;
    }

    @Override
    public boolean hasNext() {
      if (!rejected.rows.isEmpty()) {
        return true;
      }
      boolean more = scored.hasNext(); // may fill the next batch, rejecting some of its rows
      return more || !rejected.rows.isEmpty();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (!rejected.rows.isEmpty()) {
        return rejected.rows.poll();
      }
      return new JoinedRow(scored.next(), NO_ERROR);
    }
  }
}
