package io.lakebatch.udf;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.OutputColumn;
import io.lakebatch.catalog.model.OutputKind;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/** Turns one batch's model outputs into Spark internal values, one per row per output column. */
final class OutputDecoder {
  private final List<OutputColumn> outputs;

  OutputDecoder(List<OutputColumn> outputs) {
    this.outputs = List.copyOf(outputs);
  }

  /** {@code values[o][r]}: output {@code o} of row {@code r}. */
  Object[][] decode(OrtSession.Result result, int rows) throws OrtException {
    Object[][] values = new Object[outputs.size()][];
    for (int o = 0; o < outputs.size(); o++) {
      OutputColumn output = outputs.get(o);
      OnnxValue value =
          result
              .get(output.outputName())
              .orElseThrow(
                  () ->
                      LakeBatchErrors.internal(
                          "the model returned no output '" + output.outputName() + "'", null));
      values[o] =
          output.kind() == OutputKind.MAP
              ? maps((OnnxSequence) value, output, rows)
              : tensor((OnnxTensor) value, output, rows);
    }
    return values;
  }

  private static Object[] tensor(OnnxTensor tensor, OutputColumn output, int rows)
      throws OrtException {
    long total = tensor.getInfo().getNumElements();
    if (rows == 0) {
      return new Object[0];
    }
    if (total % rows != 0) {
      throw LakeBatchErrors.internal(
          "output '"
              + output.outputName()
              + "' has "
              + total
              + " elements for a batch of "
              + rows
              + " rows",
          null);
    }
    int perRow = (int) (total / rows);
    if (output.kind() == OutputKind.SCALAR && perRow != 1) {
      throw LakeBatchErrors.internal(
          "output '"
              + output.outputName()
              + "' has "
              + perRow
              + " values per row where its declared shape promised one",
          null);
    }
    Object[] values = new Object[rows];
    switch (output.element()) {
      case FLOAT -> {
        FloatBuffer b = tensor.getFloatBuffer();
        for (int r = 0; r < rows; r++) {
          if (output.kind() == OutputKind.SCALAR) {
            values[r] = b.get(r);
          } else {
            float[] row = new float[perRow];
            b.get(r * perRow, row);
            values[r] = UnsafeArrayData.fromPrimitiveArray(row);
          }
        }
      }
      case DOUBLE -> {
        DoubleBuffer b = tensor.getDoubleBuffer();
        for (int r = 0; r < rows; r++) {
          if (output.kind() == OutputKind.SCALAR) {
            values[r] = b.get(r);
          } else {
            double[] row = new double[perRow];
            b.get(r * perRow, row);
            values[r] = UnsafeArrayData.fromPrimitiveArray(row);
          }
        }
      }
      case INT64 -> {
        LongBuffer b = tensor.getLongBuffer();
        for (int r = 0; r < rows; r++) {
          if (output.kind() == OutputKind.SCALAR) {
            values[r] = b.get(r);
          } else {
            long[] row = new long[perRow];
            b.get(r * perRow, row);
            values[r] = UnsafeArrayData.fromPrimitiveArray(row);
          }
        }
      }
      case INT32 -> {
        IntBuffer b = tensor.getIntBuffer();
        for (int r = 0; r < rows; r++) {
          if (output.kind() == OutputKind.SCALAR) {
            values[r] = b.get(r);
          } else {
            int[] row = new int[perRow];
            b.get(r * perRow, row);
            values[r] = UnsafeArrayData.fromPrimitiveArray(row);
          }
        }
      }
      case BOOL, INT8 -> {
        ByteBuffer b = tensor.getByteBuffer();
        for (int r = 0; r < rows; r++) {
          Object[] row = new Object[perRow];
          for (int i = 0; i < perRow; i++) {
            byte v = b.get(r * perRow + i);
            row[i] = output.element() == ElementType.BOOL ? (Object) (v != 0) : (Object) v;
          }
          values[r] = output.kind() == OutputKind.SCALAR ? row[0] : new GenericArrayData(row);
        }
      }
      case STRING -> {
        String[] flat = flattenStrings(tensor.getValue(), (int) total);
        for (int r = 0; r < rows; r++) {
          if (output.kind() == OutputKind.SCALAR) {
            values[r] = UTF8String.fromString(flat[r]);
          } else {
            Object[] row = new Object[perRow];
            for (int i = 0; i < perRow; i++) {
              row[i] = UTF8String.fromString(flat[r * perRow + i]);
            }
            values[r] = new GenericArrayData(row);
          }
        }
      }
      default ->
          throw LakeBatchErrors.internal("unsupported output type " + output.element(), null);
    }
    return values;
  }

  private static String[] flattenStrings(Object value, int total) {
    String[] flat = new String[total];
    int[] next = {0};
    flattenInto(value, flat, next);
    return flat;
  }

  private static void flattenInto(Object value, String[] flat, int[] next) {
    if (value instanceof String s) {
      flat[next[0]++] = s;
    } else if (value instanceof Object[] array) {
      for (Object element : array) {
        flattenInto(element, flat, next);
      }
    }
  }

  private static Object[] maps(OnnxSequence sequence, OutputColumn output, int rows)
      throws OrtException {
    List<? extends OnnxValue> maps = sequence.getValue();
    if (maps.size() != rows) {
      throw LakeBatchErrors.internal(
          "output '"
              + output.outputName()
              + "' has "
              + maps.size()
              + " maps for a batch of "
              + rows
              + " rows",
          null);
    }
    Object[] values = new Object[rows];
    for (int r = 0; r < rows; r++) {
      Map<?, ?> map = ((OnnxMap) maps.get(r)).getValue();
      TreeMap<Object, Object> sorted = new TreeMap<>(map);
      List<Object> keys = new ArrayList<>(sorted.size());
      List<Object> vals = new ArrayList<>(sorted.size());
      for (Map.Entry<Object, Object> e : sorted.entrySet()) {
        keys.add(e.getKey() instanceof String s ? UTF8String.fromString(s) : e.getKey());
        vals.add(e.getValue() instanceof String s ? UTF8String.fromString(s) : e.getValue());
      }
      ArrayData keyData = new GenericArrayData(keys.toArray());
      ArrayData valueData = new GenericArrayData(vals.toArray());
      values[r] = new ArrayBasedMapData(keyData, valueData);
    }
    return values;
  }
}
