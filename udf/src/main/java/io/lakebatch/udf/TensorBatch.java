package io.lakebatch.udf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.lakebatch.catalog.model.ElementType;
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
  private final List<FeedBuffer> feeds = new ArrayList<>();
  private final int capacity;

  TensorBatch(List<TensorFeed> tensorFeeds, StructType schema, int capacity) {
    this.capacity = capacity;
    for (TensorFeed feed : tensorFeeds) {
      feeds.add(new FeedBuffer(feed, schema, capacity));
    }
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
    for (FeedBuffer feed : feeds) {
      String reason = feed.write(row, slot);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  /**
   * Whether {@link #writeColumns} can fill every feed: numeric columns, or arrays of numbers, whose
   * Spark type is the tensor's own element type (float, double, bigint, int). Text inputs and
   * converting feeds go row by row.
   */
  static boolean supportsColumnar(List<TensorFeed> feeds, StructType schema) {
    for (TensorFeed feed : feeds) {
      if (feed.isText()) {
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
   * Tensors over the first {@code rows} slots; the caller closes them before the next write. Text
   * inputs are padded to the longest row among these slots, not to their maximum length.
   */
  Map<String, OnnxTensor> tensors(OrtEnvironment env, int rows) throws OrtException {
    int tokens = 0;
    for (FeedBuffer feed : feeds) {
      tokens = Math.max(tokens, feed.longestText(rows));
    }
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (FeedBuffer feed : feeds) {
        tensors.put(feed.feed.inputName(), feed.tensor(env, rows, tokens));
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
    private final int elements;
    private final ByteBuffer bytes;

    private final HashingTokenizer tokenizer;
    private final long[] tokens;
    private final int[] lengths;
    private final ByteBuffer packed;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final LongBuffer longs;
    private final IntBuffer ints;
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
      this.elements = feed.elementsPerRow();
      int width =
          switch (feed.tensorType()) {
            case DOUBLE, INT64 -> 8;
            case FLOAT, INT32 -> 4;
            case INT16 -> 2;
            default -> 1;
          };
      this.bytes =
          ByteBuffer.allocateDirect(Math.multiplyExact(capacity, elements * width))
              .order(ByteOrder.nativeOrder());
      this.floats = bytes.asFloatBuffer();
      this.doubles = bytes.asDoubleBuffer();
      this.longs = bytes.asLongBuffer();
      this.ints = bytes.asIntBuffer();
      boolean columnar = !feed.isText() && !feed.arrayColumn();
      int slots = capacity * elements;
      ElementType tensorType = feed.tensorType();
      this.stagedFloats = columnar && tensorType == ElementType.FLOAT ? new float[slots] : null;
      this.stagedDoubles = columnar && tensorType == ElementType.DOUBLE ? new double[slots] : null;
      this.stagedLongs = columnar && tensorType == ElementType.INT64 ? new long[slots] : null;
      this.stagedInts = columnar && tensorType == ElementType.INT32 ? new int[slots] : null;
      this.tokenizer = feed.isText() ? new HashingTokenizer(feed.text()) : null;
      this.tokens = feed.isText() ? new long[elements] : null;
      this.lengths = feed.isText() ? new int[capacity] : null;
      this.packed =
          feed.isText()
              ? ByteBuffer.allocateDirect(bytes.capacity()).order(ByteOrder.nativeOrder())
              : null;
    }

    String write(InternalRow row, int slot) {
      int base = slot * elements;
      if (feed.isText()) {
        return writeText(row, slot, base);
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
      for (int i = 0; i < elements; i++) {
        long value = i >= count ? 0 : mask ? 1 : tokens[i];
        if (int64) {
          bytes.putLong((base + i) * 8, value);
        } else {
          bytes.putInt((base + i) * 4, (int) value);
        }
      }
      lengths[slot] = count;
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

    /** Tokens of the longest text among the first {@code rows} slots (0 for other inputs). */
    int longestText(int rows) {
      int longest = 0;
      for (int r = 0; lengths != null && r < rows; r++) {
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

    OnnxTensor tensor(OrtEnvironment env, int rows, int textTokens) throws OrtException {
      if (feed.isText()) {
        return textTensor(env, rows, textTokens);
      }
      long[] shape = new long[feed.rowShape().size() + 1];
      shape[0] = rows;
      for (int i = 0; i < feed.rowShape().size(); i++) {
        shape[i + 1] = feed.rowShape().get(i);
      }
      return tensor(env, bytes, rows * elements, shape);
    }

    /** Rows packed to {@code [rows, tokens]}: each row's first {@code tokens} positions. */
    private OnnxTensor textTensor(OrtEnvironment env, int rows, int tokens) throws OrtException {
      int width = feed.tensorType() == ElementType.INT64 ? 8 : 4;
      for (int r = 0; r < rows; r++) {
        packed.put(r * tokens * width, bytes, r * elements * width, tokens * width);
      }
      return tensor(env, packed, rows * tokens, new long[] {rows, tokens});
    }

    private OnnxTensor tensor(OrtEnvironment env, ByteBuffer source, int count, long[] shape)
        throws OrtException {
      ByteBuffer view = source.duplicate().order(ByteOrder.nativeOrder());
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
