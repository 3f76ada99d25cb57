package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Opens generated models in ONNX Runtime and checks tensor signatures. */
final class OnnxRuntimeSupport {

  static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();
  static final int BATCH = 8;

  private OnnxRuntimeSupport() {}

  static OrtSession open(Path model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return ENVIRONMENT.createSession(model.toString(), options);
    }
  }

  /**
   * Asserts a tensor node has the element type and shape; {@code -1} marks the dynamic batch
   * dimension.
   */
  static void assertTensor(NodeInfo node, OnnxJavaType type, long... shape) {
    assertThat(node.getInfo()).as(node.getName()).isInstanceOf(TensorInfo.class);
    TensorInfo info = (TensorInfo) node.getInfo();
    assertThat(info.type).as(node.getName() + " type").isEqualTo(type);
    assertThat(info.getShape()).as(node.getName() + " shape").containsExactly(shape);
  }

  static float[][] uniformRows(
      SplittableRandom random, int rows, int columns, double low, double high) {
    float[][] values = new float[rows][columns];
    for (float[] row : values) {
      for (int column = 0; column < columns; column++) {
        row[column] = (float) random.nextDouble(low, high);
      }
    }
    return values;
  }
}
