package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Rows of one float input in a row-major {@code float[]}; each batch is copied into the writer's
 * direct buffer and wrapped as a {@code [n, rowShape...]} tensor without a further copy.
 */
final class DenseFloatRows implements InMemoryRows {
  private final String inputName;
  private final long[] rowShape;
  private final int width;
  private final float[] values;

  DenseFloatRows(String inputName, long[] rowShape, float[] values) {
    this.inputName = requireNonNull(inputName, "inputName is null");
    this.rowShape = rowShape.clone();
    long product = Arrays.stream(rowShape).reduce(1, Math::multiplyExact);
    if (rowShape.length == 0 || product < 1 || values.length % product != 0) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid dense rows: %,d values, row shape %s",
              values.length, Arrays.toString(rowShape)));
    }
    this.width = (int) product;
    this.values = values;
  }

  @Override
  public int rows() {
    return values.length / width;
  }

  @Override
  public BatchWriter writer(int batchSize) {
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(batchSize * width * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    long[] shape = new long[rowShape.length + 1];
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    return (env, from, n) -> {
      buffer.clear();
      buffer.put(values, from * width, n * width).flip();
      shape[0] = n;
      return Map.of(inputName, OnnxTensor.createTensor(env, buffer, shape));
    };
  }
}
