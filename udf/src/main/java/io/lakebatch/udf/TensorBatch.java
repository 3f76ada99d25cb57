package io.lakebatch.udf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.Padding;
import io.lakebatch.catalog.model.TensorFeed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Direct, native-order buffers for one batch of every model input, reused across batches. Rows are
 * validated and written straight from Spark's internal rows, without boxing; the tensors handed to
 * ONNX Runtime wrap these buffers without a copy.
 */
final class TensorBatch {
  /** Positions per row a padded array input's buffer starts with; it grows to the longest row. */
  static final int INITIAL_POSITIONS = 64;

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16);

  private final List<FeedBuffer> feeds = new ArrayList<>();

  /** Feeds in write order: a mask after the input whose positions it marks. */
  private final List<FeedBuffer> writeOrder = new ArrayList<>();

  /** Padded feeds by dimension name: each batch pads them to one length, a row has one length. */
  private final Map<String, List<FeedBuffer>> dimensions = new LinkedHashMap<>();

  private final int capacity;

  TensorBatch(List<TensorFeed> tensorFeeds, StructType schema, int capacity) {
    this.capacity = capacity;
    for (TensorFeed feed : tensorFeeds) {
      feeds.add(new FeedBuffer(feed, schema, capacity));
    }
    for (FeedBuffer feed : feeds) {
      if (feed.padding != null) {
        dimensions.computeIfAbsent(feed.padding.dimension(), d -> new ArrayList<>()).add(feed);
        if (feed.padding.isMask()) {
          feed.source =
              feeds.stream()
                  .filter(f -> f.feed.inputName().equals(feed.padding.maskOf()))
                  .findFirst()
                  .orElseThrow(
                      () -> new IllegalArgumentException("no input " + feed.padding.maskOf()));
          continue;
        }
      }
      writeOrder.add(feed);
    }
    feeds.stream().filter(f -> f.source != null).forEach(writeOrder::add);
  }

  int capacity() {
    return capacity;
  }

  /**
   * Validates a row and writes it into batch slot {@code slot}.
   *
   * @return null when the row was written, else why it cannot be scored
   */
  String write(InternalRow row, int slot) {
    for (FeedBuffer feed : writeOrder) {
      String reason = feed.write(row, slot);
      if (reason != null) {
        return reason;
      }
    }
    for (Map.Entry<String, List<FeedBuffer>> dimension : dimensions.entrySet()) {
      List<FeedBuffer> shared = dimension.getValue();
      FeedBuffer first = shared.get(0);
      for (FeedBuffer other : shared.subList(1, shared.size())) {
        if (other.lengths[slot] != first.lengths[slot]) {
          return other.describeRow(slot)
              + " but "
              + first.describeRow(slot)
              + "; model inputs '"
              + other.feed.inputName()
              + "' and '"
              + first.feed.inputName()
              + "' share "
              + (dimension.getKey().isEmpty()
                  ? "their dynamic sequence dimension (unnamed in the model; unnamed ones count"
                      + " as one)"
                  : "dimension '" + dimension.getKey() + "'")
              + ", so a row needs the same length in both";
        }
      }
    }
    return null;
  }

  /** Whether some input is padded per batch without a declared maximum length. */
  boolean hasUnlimitedLength() {
    return feeds.stream().anyMatch(f -> f.padding != null && !f.padding.limited());
  }

  /** How long the row in {@code slot} is in each padded input, e.g. {@code input_ids: 70}. */
  String lengths(int slot) {
    StringBuilder out = new StringBuilder();
    for (FeedBuffer feed : feeds) {
      if (feed.padding != null && !feed.padding.isMask()) {
        out.append(out.length() == 0 ? "" : ", ")
            .append(feed.feed.inputName())
            .append(": ")
            .append(feed.lengths[slot]);
      }
    }
    return out.toString();
  }

  /**
   * Whether {@link #writeColumns} can fill every feed: numeric columns, or arrays of numbers, whose
   * Spark type is the tensor's own element type (float, double, bigint, int). Text inputs and
   * converting feeds go row by row.
   */
  static boolean supportsColumnar(List<TensorFeed> feeds, StructType schema) {
    for (TensorFeed feed : feeds) {
      if (feed.isPadded()) {
        return false;
      }
      for (String column : feed.columns()) {
        DataType type = schema.fields()[schema.fieldIndex(column)].dataType();
        DataType element =
            feed.arrayColumn() && type instanceof ArrayType array ? array.elementType() : type;
        if (!element.equals(SparkTypeMapping.dataType(feed.tensorType()))
            || feed.tensorType() == ElementType.INT16
            || feed.tensorType() == ElementType.INT8) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Writes rows {@code [row, row + rows)} of a columnar batch into slots {@code [slot, slot +
   * rows)}, column by column; a row that cannot be scored gets its reason in {@code reasons[i]}
   * (the first found) and its slot holds whatever was written.
   */
  void writeColumns(ColumnarBatch batch, int row, int rows, int slot, String[] reasons) {
    for (FeedBuffer feed : feeds) {
      feed.writeColumns(batch, row, rows, slot, reasons);
    }
  }

  /**
   * Tensors over the first {@code rows} slots; the caller closes them before the next write. Padded
   * inputs (text, variable-length arrays) are padded to the longest row among these slots, not to
   * their maximum length; inputs sharing a dimension to the same length.
   */
  Map<String, OnnxTensor> tensors(OrtEnvironment env, int rows) throws OrtException {
    return tensors(env, 0, rows);
  }

  /** Tensors over slots {@code [from, from + rows)}, as {@link #tensors(OrtEnvironment, int)}. */
  Map<String, OnnxTensor> tensors(OrtEnvironment env, int from, int rows) throws OrtException {
    Map<String, Integer> longest = new LinkedHashMap<>();
    dimensions.forEach(
        (dimension, shared) -> {
          int length = 0;
          for (FeedBuffer feed : shared) {
            length = Math.max(length, feed.longest(from, rows));
          }
          longest.put(dimension, length);
        });
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (FeedBuffer feed : feeds) {
        int length = feed.padding == null ? 0 : longest.get(feed.padding.dimension());
        tensors.put(feed.feed.inputName(), feed.tensor(env, from, rows, length));
      }
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      throw e;
    }
    return tensors;
  }

  private static final class FeedBuffer {
    private final TensorFeed feed;
    private final int[] ordinals;
    private final String[] names;
    private final DataType sourceType;
    private final int capacity;
    private final int width;

    /** Elements a slot holds: a row, or {@code room} positions of a padded input. */
    private int elements;

    private ByteBuffer bytes;

    private final HashingTokenizer tokenizer;
    private final long[] tokens;

    /** Padded inputs: the padding, elements per position, positions per slot, each slot's. */
    private final Padding padding;

    private final int inner;
    private int room;
    private final int[] lengths;
    private ByteBuffer packed;

    /** A mask's input, whose positions it marks. */
    private FeedBuffer source;

    private FloatBuffer floats;
    private DoubleBuffer doubles;
    private LongBuffer longs;
    private IntBuffer ints;

    // the columnar fill's heap copy of the tensor, of the feed's element type only (else null)
    private final float[] stagedFloats;
    private final double[] stagedDoubles;
    private final long[] stagedLongs;
    private final int[] stagedInts;

    FeedBuffer(TensorFeed feed, StructType schema, int capacity) {
      this.feed = feed;
      this.names = feed.columns().toArray(String[]::new);
      this.ordinals = new int[names.length];
      for (int i = 0; i < names.length; i++) {
        ordinals[i] = schema.fieldIndex(names[i]);
      }
      DataType first = schema.fields()[ordinals[0]].dataType();
      this.sourceType = feed.arrayColumn() ? ((ArrayType) first).elementType() : first;
      this.capacity = capacity;
      this.width =
          switch (feed.tensorType()) {
            case DOUBLE, INT64 -> 8;
            case FLOAT, INT32 -> 4;
            case INT16 -> 2;
            default -> 1;
          };
      this.padding = feed.padding();
      this.inner = feed.elementsPerPosition();
      if (padding != null) {
        this.room =
            feed.isText()
                ? padding.maxLength()
                : padding.limited()
                    ? Math.min(padding.maxLength(), INITIAL_POSITIONS)
                    : INITIAL_POSITIONS;
        this.elements = Math.multiplyExact(room, inner);
        this.lengths = new int[capacity];
      } else {
        this.elements = feed.elementsPerRow();
        this.lengths = null;
      }
      allocate(Math.multiplyExact(capacity, elements * width));
      boolean columnar = padding == null && !feed.arrayColumn();
      int slots = columnar ? capacity * elements : 0;
      ElementType tensorType = feed.tensorType();
      this.stagedFloats = columnar && tensorType == ElementType.FLOAT ? new float[slots] : null;
      this.stagedDoubles = columnar && tensorType == ElementType.DOUBLE ? new double[slots] : null;
      this.stagedLongs = columnar && tensorType == ElementType.INT64 ? new long[slots] : null;
      this.stagedInts = columnar && tensorType == ElementType.INT32 ? new int[slots] : null;
      this.tokenizer = feed.isText() ? new HashingTokenizer(feed.text()) : null;
      this.tokens = feed.isText() ? new long[elements] : null;
      this.packed = padding != null ? ByteBuffer.allocateDirect(0) : null;
    }

    private void allocate(int byteCount) {
      this.bytes = ByteBuffer.allocateDirect(byteCount).order(ByteOrder.nativeOrder());
      this.floats = bytes.asFloatBuffer();
      this.doubles = bytes.asDoubleBuffer();
      this.longs = bytes.asLongBuffer();
      this.ints = bytes.asIntBuffer();
    }

    /**
     * Makes room for {@code positions} in each slot, keeping slots {@code [0, slot)}; null when it
     * fits, else why the row cannot be fed.
     */
    private String ensureRoom(int positions, int slot) {
      if (positions <= room) {
        return null;
      }
      long grown = Math.max(positions, 2L * room);
      if (padding.limited()) {
        grown = Math.min(grown, padding.maxLength());
      }
      long byteCount = grown * inner * width * capacity;
      if (byteCount > Integer.MAX_VALUE - 64) {
        return describeLength(positions)
            + "; a batch of "
            + capacity
            + " rows that long would need more than 2 GiB for model input '"
            + feed.inputName()
            + "' (lower execution.batch-size)";
      }
      ByteBuffer old = bytes;
      int oldSlotBytes = elements * width;
      room = (int) grown;
      elements = room * inner;
      allocate((int) byteCount);
      for (int s = 0; s < slot; s++) {
        bytes.put(s * elements * width, old, s * oldSlotBytes, lengths[s] * inner * width);
      }
      return null;
    }

    /** The length of the row in {@code slot}, in words, e.g. "column 'ids' has 7 elements". */
    String describeRow(int slot) {
      if (feed.isText()) {
        return "column '" + names[0] + "' has " + lengths[slot] + " tokens";
      }
      return describeLength(lengths[slot]);
    }

    private String describeLength(int positions) {
      String column = padding.isMask() ? source.names[0] : names[0];
      if (inner == 1) {
        return "column '" + column + "' has " + positions + " elements";
      }
      return "column '"
          + column
          + "' has "
          + (long) positions * inner
          + " elements ("
          + positions
          + " positions of "
          + feed.rowShape().subList(1, feed.rowShape().size())
          + ")";
    }

    String write(InternalRow row, int slot) {
      int base = slot * elements;
      if (feed.isText()) {
        return writeText(row, slot, base);
      }
      if (padding != null) {
        return writePadded(row, slot);
      }
      if (!feed.arrayColumn()) {
        for (int j = 0; j < ordinals.length; j++) {
          if (row.isNullAt(ordinals[j])) {
            return "null in column '" + names[j] + "'";
          }
          String reason = put(base + j, row, ordinals[j], names[j]);
          if (reason != null) {
            return reason;
          }
        }
        return null;
      }
      if (row.isNullAt(ordinals[0])) {
        return "null in column '" + names[0] + "'";
      }
      ArrayData array = row.getArray(ordinals[0]);
      if (array.numElements() != elements) {
        return "column '"
            + names[0]
            + "' has "
            + array.numElements()
            + " elements; model input '"
            + feed.inputName()
            + "' needs "
            + elements
            + " "
            + feed.rowShape();
      }
      for (int i = 0; i < elements; i++) {
        if (array.isNullAt(i)) {
          return "null at index " + i + " of column '" + names[0] + "'";
        }
        String reason = put(base + i, array, i, names[0]);
        if (reason != null) {
          return reason;
        }
      }
      return null;
    }

    private String writeText(InternalRow row, int slot, int base) {
      if (row.isNullAt(ordinals[0])) {
        return "null in column '" + names[0] + "'";
      }
      int count = tokenizer.encode(row.getUTF8String(ordinals[0]).toString(), tokens, 0);
      if (count == 0) {
        return "no words in column '"
            + names[0]
            + "' (model input '"
            + feed.inputName()
            + "' needs at least one token)";
      }
      boolean mask = feed.text().mask();
      boolean int64 = feed.tensorType() == ElementType.INT64;
      for (int i = 0; i < count; i++) {
        long value = mask ? 1 : tokens[i];
        if (int64) {
          bytes.putLong((base + i) * 8, value);
        } else {
          bytes.putInt((base + i) * 4, (int) value);
        }
      }
      lengths[slot] = count;
      return null;
    }

    /**
     * A variable-length array row, or the mask of one: its values, unpadded, at the start of the
     * slot; padding is added when the batch's tensor is built.
     */
    private String writePadded(InternalRow row, int slot) {
      if (padding.isMask()) {
        int positions = source.lengths[slot];
        String reason = ensureRoom(positions, slot);
        if (reason != null) {
          return reason;
        }
        int base = slot * elements;
        for (int i = 0; i < positions * inner; i++) {
          if (feed.tensorType() == ElementType.INT64) {
            bytes.putLong((base + i) * 8, 1);
          } else {
            bytes.putInt((base + i) * 4, 1);
          }
        }
        lengths[slot] = positions;
        return null;
      }
      if (row.isNullAt(ordinals[0])) {
        return "null in column '" + names[0] + "'";
      }
      ArrayData array = row.getArray(ordinals[0]);
      int count = array.numElements();
      if (count == 0) {
        return "column '"
            + names[0]
            + "' is empty; model input '"
            + feed.inputName()
            + "' needs at least one element";
      }
      if (count % inner != 0) {
        return "column '"
            + names[0]
            + "' has "
            + count
            + " elements, not a whole number of positions of "
            + feed.rowShape().subList(1, feed.rowShape().size())
            + " (model input '"
            + feed.inputName()
            + "')";
      }
      int positions = count / inner;
      if (padding.limited() && positions > padding.maxLength()) {
        return describeLength(positions)
            + "; model input '"
            + feed.inputName()
            + "' takes at most "
            + padding.maxLength()
            + (inner == 1 ? "" : " positions")
            + " (model metadata "
            + io.lakebatch.catalog.model.TextEncoding.MAX_LENGTH_KEY
            + ")";
      }
      String reason = ensureRoom(positions, slot);
      if (reason != null) {
        return reason;
      }
      int base = slot * elements;
      for (int i = 0; i < count; i++) {
        if (array.isNullAt(i)) {
          return "null at index " + i + " of column '" + names[0] + "'";
        }
        reason = put(base + i, array, i, names[0]);
        if (reason != null) {
          return reason;
        }
      }
      lengths[slot] = positions;
      return null;
    }

    void writeColumns(ColumnarBatch batch, int row, int rows, int slot, String[] reasons) {
      if (feed.arrayColumn()) {
        writeArrays(batch.column(ordinals[0]), row, rows, slot, reasons);
        return;
      }
      // Column by column into a heap array laid out as the tensor, then one bulk copy into the
      // direct buffer: a strided put per value into a direct buffer cost ~12 % of a light model's
      // task (JFR), the heap array and the bulk copy a fraction of that.
      int count = rows * elements;
      int offset = slot * elements;
      for (int j = 0; j < ordinals.length; j++) {
        ColumnVector column = batch.column(ordinals[j]);
        // one type switch per column, not per value: the loops below run once per row and column
        switch (feed.tensorType()) {
          case FLOAT -> writeFloats(column, j, row, rows, reasons);
          case DOUBLE -> writeDoubles(column, j, row, rows, reasons);
          case INT64 -> writeLongs(column, j, row, rows, reasons);
          case INT32 -> writeInts(column, j, row, rows, reasons);
          default -> throw new IllegalStateException("no columnar copy for " + feed.tensorType());
        }
      }
      switch (feed.tensorType()) {
        case FLOAT -> floats.put(offset, stagedFloats, 0, count);
        case DOUBLE -> doubles.put(offset, stagedDoubles, 0, count);
        case INT64 -> longs.put(offset, stagedLongs, 0, count);
        case INT32 -> ints.put(offset, stagedInts, 0, count);
        default -> throw new IllegalStateException("no columnar copy for " + feed.tensorType());
      }
    }

    private void writeFloats(ColumnVector column, int j, int row, int rows, String[] reasons) {
      boolean nulls = column.hasNull();
      for (int i = 0; i < rows; i++) {
        int r = row + i;
        if (nulls && column.isNullAt(r)) {
          reject(reasons, i, nullIn(j));
          continue;
        }
        float v = column.getFloat(r);
        if (!Float.isFinite(v)) {
          reject(reasons, i, nonFinite(names[j], v));
        }
        stagedFloats[i * elements + j] = v;
      }
    }

    private void writeDoubles(ColumnVector column, int j, int row, int rows, String[] reasons) {
      boolean nulls = column.hasNull();
      for (int i = 0; i < rows; i++) {
        int r = row + i;
        if (nulls && column.isNullAt(r)) {
          reject(reasons, i, nullIn(j));
          continue;
        }
        double v = column.getDouble(r);
        if (!Double.isFinite(v)) {
          reject(reasons, i, nonFinite(names[j], v));
        }
        stagedDoubles[i * elements + j] = v;
      }
    }

    private void writeLongs(ColumnVector column, int j, int row, int rows, String[] reasons) {
      boolean nulls = column.hasNull();
      for (int i = 0; i < rows; i++) {
        int r = row + i;
        if (nulls && column.isNullAt(r)) {
          reject(reasons, i, nullIn(j));
          continue;
        }
        stagedLongs[i * elements + j] = column.getLong(r);
      }
    }

    private void writeInts(ColumnVector column, int j, int row, int rows, String[] reasons) {
      boolean nulls = column.hasNull();
      for (int i = 0; i < rows; i++) {
        int r = row + i;
        if (nulls && column.isNullAt(r)) {
          reject(reasons, i, nullIn(j));
          continue;
        }
        stagedInts[i * elements + j] = column.getInt(r);
      }
    }

    private String nullIn(int j) {
      return "null in column '" + names[j] + "'";
    }

    private void writeArrays(ColumnVector column, int row, int rows, int slot, String[] reasons) {
      boolean nulls = column.hasNull();
      boolean elementNulls = column.getChild(0) == null || column.getChild(0).hasNull();
      for (int i = 0; i < rows; i++) {
        int r = row + i;
        if (nulls && column.isNullAt(r)) {
          reject(reasons, i, nullIn(0));
          continue;
        }
        ColumnarArray array = column.getArray(r);
        if (array.numElements() != elements) {
          reject(
              reasons,
              i,
              "column '"
                  + names[0]
                  + "' has "
                  + array.numElements()
                  + " elements; model input '"
                  + feed.inputName()
                  + "' needs "
                  + elements
                  + " "
                  + feed.rowShape());
          continue;
        }
        for (int e = 0; elementNulls && e < elements; e++) {
          if (array.isNullAt(e)) {
            reject(reasons, i, "null at index " + e + " of column '" + names[0] + "'");
            break;
          }
        }
        int base = (slot + i) * elements;
        switch (feed.tensorType()) {
          case FLOAT -> {
            float[] values = array.toFloatArray();
            for (float v : values) {
              if (!Float.isFinite(v)) {
                reject(reasons, i, nonFinite(names[0], v));
                break;
              }
            }
            floats.put(base, values);
          }
          case DOUBLE -> {
            double[] values = array.toDoubleArray();
            for (double v : values) {
              if (!Double.isFinite(v)) {
                reject(reasons, i, nonFinite(names[0], v));
                break;
              }
            }
            doubles.put(base, values);
          }
          case INT64 -> longs.put(base, array.toLongArray());
          case INT32 -> ints.put(base, array.toIntArray());
          default -> throw new IllegalStateException("no columnar copy for " + feed.tensorType());
        }
      }
    }

    private static void reject(String[] reasons, int i, String reason) {
      if (reasons[i] == null) {
        reasons[i] = reason;
      }
    }

    /** Positions of the longest row in slots {@code [from, from + rows)} (0 if not padded). */
    int longest(int from, int rows) {
      int longest = 0;
      for (int r = from; lengths != null && r < from + rows; r++) {
        longest = Math.max(longest, lengths[r]);
      }
      return longest;
    }

    private String put(
        int index,
        org.apache.spark.sql.catalyst.expressions.SpecializedGetters values,
        int ordinal,
        String name) {
      switch (feed.tensorType()) {
        case FLOAT -> {
          float v =
              sourceType == DataTypes.FloatType
                  ? values.getFloat(ordinal)
                  : (float) asDouble(values, ordinal);
          if (!Float.isFinite(v)) {
            return nonFinite(name, v);
          }
          bytes.putFloat(index * 4, v);
        }
        case DOUBLE -> {
          double v = asDouble(values, ordinal);
          if (!Double.isFinite(v)) {
            return nonFinite(name, v);
          }
          bytes.putDouble(index * 8, v);
        }
        case INT64 -> bytes.putLong(index * 8, asLong(values, ordinal));
        case INT32 -> bytes.putInt(index * 4, (int) asLong(values, ordinal));
        case INT16 -> bytes.putShort(index * 2, (short) asLong(values, ordinal));
        case INT8 -> bytes.put(index, (byte) asLong(values, ordinal));
        default -> throw new IllegalStateException("unsupported tensor type " + feed.tensorType());
      }
      return null;
    }

    private static String nonFinite(String column, double value) {
      return (Double.isNaN(value) ? "NaN" : "infinite value") + " in column '" + column + "'";
    }

    private double asDouble(
        org.apache.spark.sql.catalyst.expressions.SpecializedGetters values, int ordinal) {
      if (sourceType == DataTypes.DoubleType) {
        return values.getDouble(ordinal);
      } else if (sourceType == DataTypes.FloatType) {
        return values.getFloat(ordinal);
      }
      return asLong(values, ordinal);
    }

    private long asLong(
        org.apache.spark.sql.catalyst.expressions.SpecializedGetters values, int ordinal) {
      if (sourceType == DataTypes.LongType) {
        return values.getLong(ordinal);
      } else if (sourceType == DataTypes.IntegerType) {
        return values.getInt(ordinal);
      } else if (sourceType == DataTypes.ShortType) {
        return values.getShort(ordinal);
      } else if (sourceType == DataTypes.ByteType) {
        return values.getByte(ordinal);
      }
      throw new IllegalStateException(
          "column type " + sourceType + " cannot feed " + feed.tensorType());
    }

    OnnxTensor tensor(OrtEnvironment env, int from, int rows, int length) throws OrtException {
      long[] shape = new long[feed.rowShape().size() + 1];
      shape[0] = rows;
      for (int i = 0; i < feed.rowShape().size(); i++) {
        shape[i + 1] = feed.rowShape().get(i);
      }
      if (padding != null) {
        shape[1] = length;
        return paddedTensor(env, from, rows, length, shape);
      }
      return tensor(env, bytes, from * elements * width, rows * elements, shape);
    }

    /**
     * Slots {@code [from, from + rows)} packed to {@code [rows, length, d...]}: each row's values,
     * then zeros.
     */
    private OnnxTensor paddedTensor(
        OrtEnvironment env, int from, int rows, int length, long[] shape) throws OrtException {
      int rowBytes = length * inner * width;
      if (packed.capacity() < rows * rowBytes) {
        packed = ByteBuffer.allocateDirect(rows * rowBytes).order(ByteOrder.nativeOrder());
      }
      for (int r = 0; r < rows; r++) {
        int s = from + r;
        int valueBytes = lengths[s] * inner * width;
        packed.put(r * rowBytes, bytes, s * elements * width, valueBytes);
        for (int at = r * rowBytes + valueBytes; at < (r + 1) * rowBytes; ) {
          int n = Math.min(ZEROS.capacity(), (r + 1) * rowBytes - at);
          packed.put(at, ZEROS, 0, n);
          at += n;
        }
      }
      return tensor(env, packed, 0, rows * length * inner, shape);
    }

    private OnnxTensor tensor(
        OrtEnvironment env, ByteBuffer source, int offsetBytes, int count, long[] shape)
        throws OrtException {
      ByteBuffer view =
          source.duplicate().position(offsetBytes).slice().order(ByteOrder.nativeOrder());
      ElementType type = feed.tensorType();
      return switch (type) {
        case FLOAT ->
            OnnxTensor.createTensor(env, (FloatBuffer) view.asFloatBuffer().limit(count), shape);
        case DOUBLE ->
            OnnxTensor.createTensor(env, (DoubleBuffer) view.asDoubleBuffer().limit(count), shape);
        case INT64 ->
            OnnxTensor.createTensor(env, (LongBuffer) view.asLongBuffer().limit(count), shape);
        case INT32 ->
            OnnxTensor.createTensor(env, (IntBuffer) view.asIntBuffer().limit(count), shape);
        case INT16 ->
            OnnxTensor.createTensor(
                env, view.asShortBuffer().limit(count), shape, ai.onnxruntime.OnnxJavaType.INT16);
        case INT8 ->
            OnnxTensor.createTensor(
                env, view.limit(count), shape, ai.onnxruntime.OnnxJavaType.INT8);
        default -> throw new IllegalStateException("unsupported tensor type " + type);
      };
    }
  }
}
