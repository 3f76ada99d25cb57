package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.TensorFeed;
import io.lakebatch.catalog.model.TextEncoding;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The columnar tensor fill straight from Spark column vectors, without a SparkSession. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TensorBatchColumnarTest {
  private Map<String, OnnxTensor> tensors;

  @AfterEach
  void closeTensors() {
    if (tensors != null) {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private static OnHeapColumnVector column(DataType type, int rows) {
    return new OnHeapColumnVector(rows, type);
  }

  private static ColumnarBatch batch(int rows, ColumnVector... columns) {
    return new ColumnarBatch(columns, rows);
  }

  private static TensorFeed scalarColumns(ElementType type, String... columns) {
    return new TensorFeed("x", type, List.of((long) columns.length), List.of(columns), false);
  }

  private static String[] fill(
      TensorBatch tensorBatch, ColumnarBatch columns, int row, int rows, int slot) {
    String[] reasons = new String[rows];
    tensorBatch.writeColumns(columns, row, rows, slot, reasons);
    return reasons;
  }

  private OnnxTensor tensor(TensorBatch batch, int rows) throws Exception {
    closeTensors();
    tensors = batch.tensors(OrtSessionCache.environment(), rows);
    return tensors.get("x");
  }

  private static float[] floats(OnnxTensor tensor) {
    FloatBuffer buffer = tensor.getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  @Test
  void floatColumnsFillRowMajorAndNullOrNonFiniteRowsAreRejectedWithTheirReason() throws Exception {
    StructType schema =
        new StructType().add("f0", DataTypes.FloatType).add("f1", DataTypes.FloatType);
    OnHeapColumnVector f0 = column(DataTypes.FloatType, 4);
    OnHeapColumnVector f1 = column(DataTypes.FloatType, 4);
    f0.putFloat(0, 1f);
    f1.putFloat(0, 2f);
    f0.putNull(1);
    f1.putFloat(1, 3f);
    f0.putFloat(2, Float.NaN);
    f1.putFloat(2, 4f);
    f0.putFloat(3, 5f);
    f1.putFloat(3, Float.POSITIVE_INFINITY);
    TensorBatch tensorBatch =
        new TensorBatch(List.of(scalarColumns(ElementType.FLOAT, "f0", "f1")), schema, 4);

    String[] reasons = fill(tensorBatch, batch(4, f0, f1), 0, 4, 0);

    assertThat(reasons)
        .containsExactly(
            null, "null in column 'f0'", "NaN in column 'f0'", "infinite value in column 'f1'");
    OnnxTensor x = tensor(tensorBatch, 4);
    assertThat(x.getInfo().getShape()).containsExactly(4, 2);
    float[] values = floats(x);
    assertThat(Arrays.copyOfRange(values, 0, 2)).containsExactly(1f, 2f);
    assertThat(values[6]).isEqualTo(5f);
  }

  @Test
  void doubleColumnsKeepTheirPrecisionAndNaNIsRejected() throws Exception {
    StructType schema = new StructType().add("d", DataTypes.DoubleType);
    OnHeapColumnVector d = column(DataTypes.DoubleType, 3);
    d.putDouble(0, 0.1);
    d.putDouble(1, Double.NaN);
    d.putDouble(2, -1e300);
    TensorBatch tensorBatch =
        new TensorBatch(List.of(scalarColumns(ElementType.DOUBLE, "d")), schema, 3);

    assertThat(fill(tensorBatch, batch(3, d), 0, 3, 0))
        .containsExactly(null, "NaN in column 'd'", null);
    DoubleBuffer values = tensor(tensorBatch, 3).getDoubleBuffer();
    assertThat(values.get(0)).isEqualTo(0.1);
    assertThat(values.get(2)).isEqualTo(-1e300);
  }

  @Test
  void intAndLongColumnsAreCopiedExactlyAndNullsRejected() throws Exception {
    StructType schema =
        new StructType().add("i", DataTypes.IntegerType).add("l", DataTypes.LongType);
    OnHeapColumnVector i = column(DataTypes.IntegerType, 3);
    OnHeapColumnVector l = column(DataTypes.LongType, 3);
    i.putInt(0, Integer.MIN_VALUE);
    i.putNull(1);
    i.putInt(2, 7);
    l.putLong(0, Long.MAX_VALUE);
    l.putLong(1, 1);
    l.putNull(2);
    TensorFeed ints = new TensorFeed("x", ElementType.INT32, List.of(1L), List.of("i"), false);
    TensorFeed longs = new TensorFeed("y", ElementType.INT64, List.of(1L), List.of("l"), false);
    TensorBatch tensorBatch = new TensorBatch(List.of(ints, longs), schema, 3);

    assertThat(fill(tensorBatch, batch(3, i, l), 0, 3, 0))
        .containsExactly(null, "null in column 'i'", "null in column 'l'");
    tensor(tensorBatch, 3);
    IntBuffer intValues = tensors.get("x").getIntBuffer();
    LongBuffer longValues = tensors.get("y").getLongBuffer();
    assertThat(intValues.get(0)).isEqualTo(Integer.MIN_VALUE);
    assertThat(intValues.get(2)).isEqualTo(7);
    assertThat(longValues.get(0)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void arrayColumnsFillWholeRowsAndBadArraysAreRejectedWithTheirReason() throws Exception {
    DataType floatArray = DataTypes.createArrayType(DataTypes.FloatType, true);
    StructType schema = new StructType().add("v", floatArray);
    OnHeapColumnVector v = column(floatArray, 5);
    OnHeapColumnVector elements = (OnHeapColumnVector) v.arrayData();
    elements.reserve(16);
    float[] flat = {1, 2, 3, 1, 2, 1, 0, 3, Float.NaN, 0, 0};
    for (int e = 0; e < flat.length; e++) {
      elements.putFloat(e, flat[e]);
    }
    elements.putNull(6);
    v.putArray(0, 0, 3); // [1, 2, 3]
    v.putNull(1);
    v.putArray(2, 3, 2); // [1, 2]: too short
    v.putArray(3, 5, 3); // [1, null, 3]
    v.putArray(4, 8, 3); // [NaN, 0, 0]
    TensorFeed feed = new TensorFeed("x", ElementType.FLOAT, List.of(3L), List.of("v"), true);
    TensorBatch tensorBatch = new TensorBatch(List.of(feed), schema, 5);

    String[] reasons = fill(tensorBatch, batch(5, v), 0, 5, 0);

    assertThat(reasons)
        .containsExactly(
            null,
            "null in column 'v'",
            "column 'v' has 2 elements; model input 'x' needs 3 [3]",
            "null at index 1 of column 'v'",
            "NaN in column 'v'");
    assertThat(Arrays.copyOfRange(floats(tensor(tensorBatch, 1)), 0, 3))
        .containsExactly(1f, 2f, 3f);
  }

  @Test
  void longArraysFillTheirRows() throws Exception {
    DataType longArray = DataTypes.createArrayType(DataTypes.LongType, false);
    OnHeapColumnVector v = column(longArray, 2);
    OnHeapColumnVector elements = (OnHeapColumnVector) v.arrayData();
    elements.reserve(4);
    for (int e = 0; e < 4; e++) {
      elements.putLong(e, 10L * e);
    }
    v.putArray(0, 0, 2);
    v.putArray(1, 2, 2);
    TensorFeed feed = new TensorFeed("x", ElementType.INT64, List.of(2L), List.of("v"), true);
    TensorBatch tensorBatch =
        new TensorBatch(List.of(feed), new StructType().add("v", longArray), 2);

    assertThat(fill(tensorBatch, batch(2, v), 0, 2, 0)).containsOnlyNulls();
    LongBuffer values = tensor(tensorBatch, 2).getLongBuffer();
    long[] all = new long[4];
    values.get(all);
    assertThat(all).containsExactly(0, 10, 20, 30);
  }

  @Test
  void theBuffersAreReusedAcrossBatchesAndRowsLandInTheirSlots() throws Exception {
    StructType schema =
        new StructType().add("f0", DataTypes.FloatType).add("f1", DataTypes.FloatType);
    TensorBatch tensorBatch =
        new TensorBatch(List.of(scalarColumns(ElementType.FLOAT, "f0", "f1")), schema, 4);
    OnHeapColumnVector a0 = column(DataTypes.FloatType, 4);
    OnHeapColumnVector a1 = column(DataTypes.FloatType, 4);
    for (int r = 0; r < 4; r++) {
      a0.putFloat(r, r);
      a1.putFloat(r, 10 + r);
    }
    ColumnarBatch first = batch(4, a0, a1);
    // rows 2..3 of the reader's batch into slots 0..1, then rows 0..1 into slots 2..3
    assertThat(fill(tensorBatch, first, 2, 2, 0)).containsOnlyNulls();
    assertThat(fill(tensorBatch, first, 0, 2, 2)).containsOnlyNulls();
    assertThat(floats(tensor(tensorBatch, 4))).containsExactly(2, 12, 3, 13, 0, 10, 1, 11);

    OnHeapColumnVector b0 = column(DataTypes.FloatType, 1);
    OnHeapColumnVector b1 = column(DataTypes.FloatType, 1);
    b0.putFloat(0, -1);
    b1.putFloat(0, -2);
    assertThat(fill(tensorBatch, batch(1, b0, b1), 0, 1, 0)).containsOnlyNulls();
    OnnxTensor second = tensor(tensorBatch, 1);
    assertThat(second.getInfo().getShape())
        .as("the next, smaller batch covers its rows only")
        .containsExactly(1, 2);
    assertThat(floats(second)).containsExactly(-1, -2);
  }

  @Test
  void onlyColumnsOfTheTensorsOwnNumericTypeGoColumnar() {
    StructType schema =
        new StructType()
            .add("f", DataTypes.FloatType)
            .add("i", DataTypes.IntegerType)
            .add("s", DataTypes.ShortType)
            .add("t", DataTypes.StringType);
    assertThat(TensorBatch.supportsColumnar(List.of(scalarColumns(ElementType.FLOAT, "f")), schema))
        .isTrue();
    assertThat(TensorBatch.supportsColumnar(List.of(scalarColumns(ElementType.INT32, "i")), schema))
        .isTrue();
    assertThat(TensorBatch.supportsColumnar(List.of(scalarColumns(ElementType.FLOAT, "i")), schema))
        .as("an int column feeding a float tensor converts row by row")
        .isFalse();
    assertThat(TensorBatch.supportsColumnar(List.of(scalarColumns(ElementType.INT16, "s")), schema))
        .isFalse();
    TextEncoding ids = new TextEncoding(false, TextEncoding.HASHING, 1000, 8);
    assertThat(
            TensorBatch.supportsColumnar(
                List.of(TensorFeed.text("x", ElementType.INT64, "t", ids)), schema))
        .isFalse();
  }
}
