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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code mapPartitions} body: reads rows in batches into reused tensor buffers, runs the
 * model once per batch on the JVM-wide session, and emits carried columns plus model outputs. Rows
 * that fail validation are counted and left out; {@link DeadLetterFunction} writes them with their
 * reasons.
 */
public final class BatchInferenceFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private final InferenceConfig config;
  private final LongAccumulator rowsRead;
  private final LongAccumulator badRows;

  public BatchInferenceFunction(InferenceConfig config, LongAccumulator rowsRead, LongAccumulator badRows) {
    this.config = config;
    this.rowsRead = rowsRead;
    this.badRows = badRows;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    return new BatchIterator(rows);
  }

  private final class BatchIterator implements Iterator<InternalRow> {
    private final Iterator<InternalRow> input;
    private final OrtSession session = OrtSessionCache.session(config.model());
    private final OrtEnvironment env = OrtSessionCache.environment();
    private final TensorBatch batch;
    private final OutputDecoder decoder = new OutputDecoder(config.binding().outputs());
    private final int[] carryOrdinals = config.carryOrdinals();
    private final DataType[] carryTypes;
    private final Object[][] carried;
    private List<InternalRow> pending = List.of();
    private int next;

    BatchIterator(Iterator<InternalRow> input) {
      this.input = input;
      this.batch = new TensorBatch(config.binding().feeds(), config.inputSchema(), config.batchSize());
      this.carryTypes = new DataType[carryOrdinals.length];
      for (int i = 0; i < carryOrdinals.length; i++) {
        carryTypes[i] = config.inputSchema().fields()[carryOrdinals[i]].dataType();
      }
      this.carried = new Object[config.batchSize()][];
    }

    @Override
    public boolean hasNext() {
      while (next >= pending.size()) {
        if (!input.hasNext()) {
          return false;
        }
        pending = scoreNextBatch();
        next = 0;
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

    private List<InternalRow> scoreNextBatch() {
      int filled = 0;
      long read = 0;
      long bad = 0;
      while (filled < batch.capacity() && input.hasNext()) {
        InternalRow row = input.next();
        read++;
        if (batch.write(row, filled) != null) {
          bad++;
          continue;
        }
        Object[] values = new Object[carryOrdinals.length];
        for (int i = 0; i < carryOrdinals.length; i++) {
          values[i] = row.isNullAt(carryOrdinals[i])
              ? null
              : InternalRow.copyValue(row.get(carryOrdinals[i], carryTypes[i]));
        }
        carried[filled++] = values;
      }
      rowsRead.add(read);
      badRows.add(bad);
      if (filled == 0) {
        return List.of();
      }
      Object[][] outputs = run(filled);
      List<InternalRow> result = new ArrayList<>(filled);
      for (int r = 0; r < filled; r++) {
        Object[] values = new Object[carryOrdinals.length + outputs.length];
        System.arraycopy(carried[r], 0, values, 0, carryOrdinals.length);
        for (int o = 0; o < outputs.length; o++) {
          values[carryOrdinals.length + o] = outputs[o][r];
        }
        result.add(new GenericInternalRow(values));
        carried[r] = null;
      }
      return result;
    }

    private Object[][] run(int rows) {
      Map<String, OnnxTensor> tensors = null;
      try {
        tensors = batch.tensors(env, rows);
        try (OrtSession.Result result = session.run(tensors)) {
          return decoder.decode(result, rows);
        }
      } catch (OrtException e) {
        throw LakeBatchErrors.modelUnreadable(config.model().uri() + " (batch of " + rows + " rows)", e);
      } finally {
        if (tensors != null) {
          tensors.values().forEach(OnnxTensor::close);
        }
      }
    }
  }
}
