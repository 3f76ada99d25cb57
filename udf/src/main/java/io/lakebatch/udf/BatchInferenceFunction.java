package io.lakebatch.udf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code mapPartitions} body: reads rows in batches into reused tensor buffers, runs the model
 * once per batch on the JVM-wide session, and emits rows of {@link InferenceConfig#scoredSchema()}:
 * carried columns plus model outputs, or, for a row that fails validation, carried columns plus its
 * raw values and the reason (it never fails the task).
 */
public final class BatchInferenceFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private final InferenceConfig config;
  private final LongAccumulator scoredRows;
  private final FaultInjection faults;

  public BatchInferenceFunction(InferenceConfig config) {
    this(config, null, FaultInjection.NONE);
  }

  /**
   * @param scoredRows gets the rows of every scored batch (live progress on the driver); may be null
   * @param faults test-only failures, {@link FaultInjection#NONE} in production
   */
  public BatchInferenceFunction(InferenceConfig config, LongAccumulator scoredRows, FaultInjection faults) {
    this.config = config;
    this.scoredRows = scoredRows;
    this.faults = faults;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    faults.beforeTask(org.apache.spark.TaskContext.get());
    return new BatchIterator(rows);
  }

  private final class BatchIterator implements Iterator<InternalRow> {
    private final Iterator<InternalRow> input;
    private final OrtSession session = OrtSessionCache.session(config.model());
    private final OrtEnvironment env = OrtSessionCache.environment();
    private final TensorBatch batch;
    private final OutputDecoder decoder = new OutputDecoder(config.binding().outputs());
    private final int[] carryOrdinals = config.carryOrdinals();
    private final int[] featureOrdinals;
    private final StructField[] fields = config.inputSchema().fields();
    private final int outputCount = config.binding().outputs().size();
    private final int width;
    private final Object[][] carried;
    private final List<InternalRow> pending = new ArrayList<>();
    private int next;

    BatchIterator(Iterator<InternalRow> input) {
      this.input = input;
      this.batch = new TensorBatch(config.binding().feeds(), config.inputSchema(), config.batchSize());
      this.featureOrdinals = config.binding().featureColumns().stream().mapToInt(config.inputSchema()::fieldIndex).toArray();
      this.width = carryOrdinals.length + outputCount + 2;
      this.carried = new Object[config.batchSize()][];
    }

    @Override
    public boolean hasNext() {
      while (next >= pending.size()) {
        if (!input.hasNext()) {
          return false;
        }
        pending.clear();
        next = 0;
        scoreNextBatch();
        if (scoredRows != null) {
          scoredRows.add(pending.size());
        }
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pending.get(next++);
    }

    private void scoreNextBatch() {
      int filled = 0;
      while (filled < batch.capacity() && input.hasNext()) {
        InternalRow row = input.next();
        String reason = batch.write(row, filled);
        Object[] values = new Object[width];
        for (int i = 0; i < carryOrdinals.length; i++) {
          int ordinal = carryOrdinals[i];
          values[i] = row.isNullAt(ordinal) ? null : InternalRow.copyValue(row.get(ordinal, fields[ordinal].dataType()));
        }
        if (reason == null) {
          carried[filled++] = values;
        } else {
          values[width - 2] = UTF8String.fromString(rawValues(row));
          values[width - 1] = UTF8String.fromString(reason);
          pending.add(new GenericInternalRow(values));
        }
      }
      if (filled == 0) {
        return;
      }
      Object[][] outputs = run(filled);
      for (int r = 0; r < filled; r++) {
        Object[] values = carried[r];
        for (int o = 0; o < outputCount; o++) {
          values[carryOrdinals.length + o] = outputs[o][r];
        }
        pending.add(new GenericInternalRow(values));
        carried[r] = null;
      }
    }

    private String rawValues(InternalRow row) {
      StringBuilder raw = new StringBuilder();
      for (int ordinal : featureOrdinals) {
        if (raw.length() > 0) {
          raw.append(", ");
        }
        raw.append(fields[ordinal].name()).append('=');
        DataType type = fields[ordinal].dataType();
        if (row.isNullAt(ordinal)) {
          raw.append("null");
        } else if (type instanceof ArrayType array) {
          ArrayData data = row.getArray(ordinal);
          raw.append('[');
          for (int i = 0; i < data.numElements(); i++) {
            raw.append(i > 0 ? ", " : "").append(data.isNullAt(i) ? "null" : data.get(i, array.elementType()));
          }
          raw.append(']');
        } else {
          raw.append(row.get(ordinal, type));
        }
      }
      return raw.toString();
    }

    private Object[][] run(int rows) {
      Map<String, OnnxTensor> tensors = null;
      try {
        tensors = batch.tensors(env, rows);
        try (OrtSession.Result result = session.run(tensors)) {
          return decoder.decode(result, rows);
        }
      } catch (OrtException e) {
        throw LakeBatchErrors.modelFailed(config.model().uri(), "a batch of " + rows + " rows", e);
      } finally {
        if (tensors != null) {
          tensors.values().forEach(OnnxTensor::close);
        }
      }
    }
  }
}
