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
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code mapPartitions} body: reads rows in batches into reused tensor buffers, runs the model
 * once per batch on the JVM-wide session, and emits rows of {@link InferenceConfig#outputSchema()}
 * (carried columns plus model outputs). A row that fails validation never fails the task: it goes
 * to the {@link DeadLetterSink} as a row of {@link InferenceConfig#rejectedSchema()}, from the row
 * path and the columnar path alike.
 */
public final class BatchInferenceFunction
    implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private final InferenceConfig config;
  private final LongAccumulator scoredRows;
  private final FaultInjection faults;
  private final DeadLetterSink deadLetters;
  private transient int[] carryOrdinals;

  /**
   * Rows of padded inputs (text, variable-length arrays) are sorted by length within windows of
   * this many batches (see {@link LengthSortedRows}); results keep the input order.
   */
  static final int LENGTH_SORT_BATCHES = 16;

  /**
   * @param scoredRows gets the rows of every scored batch (live progress on the driver); may be
   *     null
   * @param faults the test SPI's hook, {@link FaultInjection#NONE} in production
   * @param deadLetters where rejected rows go; told to {@link DeadLetterSink#finish} when the rows
   *     end
   */
  public BatchInferenceFunction(
      InferenceConfig config,
      LongAccumulator scoredRows,
      FaultInjection faults,
      DeadLetterSink deadLetters) {
    this.config = config;
    this.scoredRows = scoredRows;
    this.faults = faults;
    this.deadLetters = java.util.Objects.requireNonNull(deadLetters, "deadLetters is null");
  }

  /** Scores rows, rejected rows to {@code deadLetters}; no progress accumulator, no faults. */
  public static BatchInferenceFunction scoring(InferenceConfig config, DeadLetterSink deadLetters) {
    return new BatchInferenceFunction(config, null, FaultInjection.NONE, deadLetters);
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    PageSizedSnappyCodec.install(); // before the lazy input iterator reads its first page
    faults.beforeTask(org.apache.spark.TaskContext.get());
    return new BatchIterator(new RowFiller(rows));
  }

  /**
   * Carried values of a row, copied out of the (reused) input row, with room for what follows them.
   */
  private Object[] carried(InternalRow row, int width) {
    if (carryOrdinals == null) { // per task, not per row: the function arrives deserialized
      carryOrdinals = config.carryOrdinals();
    }
    int[] ordinals = carryOrdinals;
    StructField[] fields = config.inputSchema().fields();
    Object[] values = new Object[width];
    for (int i = 0; i < ordinals.length; i++) {
      int ordinal = ordinals[i];
      values[i] =
          row.isNullAt(ordinal)
              ? null
              : InternalRow.copyValue(row.get(ordinal, fields[ordinal].dataType()));
    }
    return values;
  }

  private InternalRow rejected(InternalRow row, String reason) {
    int carried = config.carry().size();
    Object[] values = carried(row, carried + 2);
    values[carried] = UTF8String.fromString(rawValues(row));
    values[carried + 1] = UTF8String.fromString(reason);
    return new GenericInternalRow(values);
  }

  /**
   * Scores a task's rows as the Parquet reader's columnar batches: every numeric input is copied
   * column by column straight from the column vectors into the tensor buffers, with no row object
   * per value. Only for bindings {@link TensorBatch#supportsColumnar} accepts.
   */
  public Iterator<InternalRow> callColumnar(Iterator<ColumnarBatch> batches) {
    PageSizedSnappyCodec.install(); // before the lazy input iterator reads its first page
    faults.beforeTask(org.apache.spark.TaskContext.get());
    return new BatchIterator(new ColumnarFiller(batches));
  }

  /**
   * {@link #callColumnar} as a function object for {@code mapPartitions}. A method reference would
   * be a lambda of the calling class, and executors would have to load that (driver-side) class to
   * deserialize it; this one only needs the runtime jar.
   */
  public FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> columnar() {
    return new ColumnarScoring(this);
  }

  private record ColumnarScoring(BatchInferenceFunction function)
      implements FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> {
    @Override
    public Iterator<InternalRow> call(Iterator<ColumnarBatch> batches) {
      return function.callColumnar(batches);
    }
  }

  /**
   * Whether {@link #callColumnar} can score rows of this config (numeric inputs of their own type).
   */
  public static boolean supportsColumnar(InferenceConfig config) {
    return TensorBatch.supportsColumnar(config.binding().feeds(), config.inputSchema());
  }

  /** Fills a batch's slots; a slot whose carried values are null holds a rejected row. */
  private interface Filler {
    boolean hasMore();

    /**
     * @return slots filled (rows read are these plus the rejected rows not given a slot)
     */
    int fill(TensorBatch batch, Object[][] carried);

    int rowsRead();

    /** Passes the scored row of {@code slot} on to {@code out}, now or later. */
    default void emit(int slot, InternalRow scored, List<InternalRow> out) {
      out.add(scored);
    }

    /** After a batch: passes on held rows that may go now. */
    default void release(List<InternalRow> out) {}

    /** At the end of the rows: passes on every held row. */
    default void releaseAll(List<InternalRow> out) {}

    /** The input row in {@code slot} of the last batch, or null when the filler keeps none. */
    default InternalRow row(int slot) {
      return null;
    }
  }

  /**
   * Rows one by one; a rejected row takes no slot. Padded inputs (text, variable-length arrays)
   * come length-sorted, and their results go out in input order.
   */
  private final class RowFiller implements Filler {
    private final Iterator<InternalRow> input;
    private final LengthSortedRows sorted;
    private final InputOrder order = new InputOrder();
    private final InternalRow[] slotRows;
    private final long[] slotPositions;
    private int read;

    RowFiller(Iterator<InternalRow> rows) {
      this.sorted =
          config.binding().feeds().stream()
              .filter(f -> f.isPadded() && !f.padding().isMask())
              .findFirst()
              .map(
                  padded -> {
                    int ordinal = config.inputSchema().fieldIndex(padded.columns().get(0));
                    return new LengthSortedRows(
                        rows,
                        ordinal,
                        config.inputSchema().fields()[ordinal].dataType(),
                        config.batchSize() * LENGTH_SORT_BATCHES);
                  })
              .orElse(null);
      this.input = sorted == null ? rows : sorted;
      this.slotRows = sorted == null ? null : new InternalRow[config.batchSize()];
      this.slotPositions = sorted == null ? null : new long[config.batchSize()];
    }

    @Override
    public void emit(int slot, InternalRow scored, List<InternalRow> out) {
      if (sorted == null) {
        out.add(scored);
      } else {
        order.add(slotPositions[slot], scored);
      }
    }

    @Override
    public void release(List<InternalRow> out) {
      if (sorted != null) {
        order.releaseBelow(sorted.returnedBelow(), out);
      }
    }

    @Override
    public void releaseAll(List<InternalRow> out) {
      order.releaseAll(out);
    }

    @Override
    public InternalRow row(int slot) {
      return slotRows == null ? null : slotRows[slot];
    }

    @Override
    public boolean hasMore() {
      return input.hasNext();
    }

    @Override
    public int fill(TensorBatch batch, Object[][] carried) {
      int width = config.carry().size() + config.binding().outputs().size();
      int filled = 0;
      read = 0;
      while (filled < batch.capacity() && input.hasNext()) {
        InternalRow row = input.next();
        read++;
        String reason = batch.write(row, filled);
        if (reason == null) {
          if (sorted != null) {
            slotRows[filled] = row; // a copy: the sorter copies every row it holds
            slotPositions[filled] = sorted.position();
          }
          carried[filled++] = carried(row, width);
        } else {
          deadLetters.add(rejected(row, reason));
        }
      }
      return filled;
    }

    @Override
    public int rowsRead() {
      return read;
    }
  }

  /**
   * Column vectors of the reader's batches; a rejected row keeps its slot and its output is
   * dropped.
   */
  private final class ColumnarFiller implements Filler {
    private final Iterator<ColumnarBatch> batches;
    private final String[] reasons = new String[config.batchSize()];
    private ColumnarBatch current;
    private int position;
    private int read;

    ColumnarFiller(Iterator<ColumnarBatch> batches) {
      this.batches = batches;
    }

    @Override
    public boolean hasMore() {
      return (current != null && position < current.numRows()) || batches.hasNext();
    }

    @Override
    public int fill(TensorBatch batch, Object[][] carried) {
      int width = config.carry().size() + config.binding().outputs().size();
      int slot = 0;
      while (slot < batch.capacity()) {
        if (current == null || position >= current.numRows()) {
          if (!batches.hasNext()) {
            break;
          }
          current = batches.next(); // the reader reuses the batch: the previous one is done with
          position = 0;
          continue;
        }
        int rows = Math.min(batch.capacity() - slot, current.numRows() - position);
        java.util.Arrays.fill(reasons, 0, rows, null);
        batch.writeColumns(current, position, rows, slot, reasons);
        for (int i = 0; i < rows; i++) {
          InternalRow row = current.getRow(position + i);
          if (reasons[i] == null) {
            carried[slot + i] = carried(row, width);
          } else {
            carried[slot + i] = null;
            deadLetters.add(rejected(row, reasons[i]));
          }
        }
        slot += rows;
        position += rows;
      }
      read = slot;
      return slot;
    }

    @Override
    public int rowsRead() {
      return read;
    }
  }

  /**
   * Holds a lease on the model's session from its first row to its last: released when the rows
   * end, when scoring fails, or when the task completes (a consumer that stops early, e.g. a
   * limit).
   */
  private final class BatchIterator implements Iterator<InternalRow> {
    private final Filler filler;
    private final SessionLease lease;
    private final OrtSession session;
    private final OrtEnvironment env = OrtSessionCache.environment();
    private final TensorBatch batch;
    private final OutputDecoder decoder = new OutputDecoder(config.binding().outputs());
    private final int carryCount = config.carry().size();
    private final int outputCount = config.binding().outputs().size();
    private final Object[][] carried;
    private final List<InternalRow> pending = new ArrayList<>();
    private int next;

    /** Whether the model has scored a batch, or a row, in this task. */
    private boolean scoredAny;

    BatchIterator(Filler filler) {
      this.filler = filler;
      this.lease = OrtSessionCache.shared().acquire(config.model());
      org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener(
            (org.apache.spark.util.TaskCompletionListener) context -> lease.close());
      }
      this.session = lease.session();
      this.batch =
          new TensorBatch(config.binding().feeds(), config.inputSchema(), config.batchSize());
      this.carried = new Object[config.batchSize()][];
    }

    @Override
    public boolean hasNext() {
      try {
        while (next >= pending.size()) {
          pending.clear();
          next = 0;
          if (!filler.hasMore()) {
            filler.releaseAll(pending);
            if (!pending.isEmpty()) {
              return true;
            }
            lease.close();
            deadLetters.finish();
            return false;
          }
          scoreNextBatch();
          if (scoredRows != null) {
            scoredRows.add(filler.rowsRead());
          }
        }
        return true;
      } catch (RuntimeException | Error e) {
        lease.close();
        throw e;
      }
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pending.get(next++);
    }

    private void scoreNextBatch() {
      int filled = filler.fill(batch, carried);
      boolean anyValid = false;
      for (int r = 0; r < filled && !anyValid; r++) {
        anyValid = carried[r] != null;
      }
      if (anyValid) {
        Object[][] outputs = run(filled);
        for (int r = 0; r < filled; r++) {
          Object[] values = carried[r];
          if (values == null) {
            continue;
          }
          for (int o = 0; o < outputCount; o++) {
            values[carryCount + o] = outputs[o][r];
          }
          filler.emit(r, new GenericInternalRow(values), pending);
          carried[r] = null;
        }
      }
      filler.release(pending);
    }

    private Object[][] run(int rows) {
      try {
        Object[][] outputs = run(0, rows);
        scoredAny = true;
        return outputs;
      } catch (OrtException e) {
        if (!batch.hasUnlimitedLength() || filler.row(0) == null) {
          throw LakeBatchErrors.modelFailed(
              config.model().uri(), "a batch of " + rows + " rows", e);
        }
        return runEachAlone(rows, e);
      }
    }

    /**
     * A batch of padded rows with no declared maximum length that the model refused, row by row: a
     * row the model refuses alone goes to the dead letters, once the model has scored some row of
     * this task (else the model itself fails, and so does the task). Rows are length-sorted, so the
     * shortest go first.
     */
    private Object[][] runEachAlone(int rows, OrtException batchError) {
      Object[][] outputs = new Object[outputCount][rows];
      for (int r = 0; r < rows; r++) {
        if (carried[r] == null) {
          continue;
        }
        try {
          Object[][] alone = run(r, 1);
          for (int o = 0; o < outputCount; o++) {
            outputs[o][r] = alone[o][0];
          }
          scoredAny = true;
        } catch (OrtException e) {
          if (!scoredAny) {
            throw LakeBatchErrors.modelFailed(
                config.model().uri(), "a batch of " + rows + " rows", batchError);
          }
          deadLetters.add(rejected(filler.row(r), refusedAlone(r, e)));
          carried[r] = null;
        }
      }
      return outputs;
    }

    private String refusedAlone(int slot, OrtException e) {
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      if (message.length() > 300) {
        message = message.substring(0, 300) + "...";
      }
      return "the model failed on this row alone ("
          + batch.lengths(slot)
          + "; it declares no "
          + io.lakebatch.catalog.model.TextEncoding.MAX_LENGTH_KEY
          + ", and it scored other rows of this task): "
          + message;
    }

    private Object[][] run(int from, int rows) throws OrtException {
      Map<String, OnnxTensor> tensors = null;
      try {
        tensors = batch.tensors(env, from, rows);
        try (OrtSession.Result result = session.run(tensors)) {
          return decoder.decode(result, rows);
        }
      } finally {
        if (tensors != null) {
          tensors.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  private String rawValues(InternalRow row) {
    StructField[] fields = config.inputSchema().fields();
    StringBuilder raw = new StringBuilder();
    for (String column : config.binding().featureColumns()) {
      int ordinal = config.inputSchema().fieldIndex(column);
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
          raw.append(i > 0 ? ", " : "")
              .append(data.isNullAt(i) ? "null" : data.get(i, array.elementType()));
        }
        raw.append(']');
      } else {
        raw.append(row.get(ordinal, type));
      }
    }
    return raw.toString();
  }
}
