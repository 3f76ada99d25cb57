package io.lakebatch.tests.faults;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.lakebatch.submit.modelgen.OnnxGraphBuilder;
import java.util.List;

/**
 * A model that loads and passes the signature check for any number of feature columns but fails
 * when run on anything but {@code k} of them: input {@code features} float [N, F] (F dynamic), a
 * MatMul with a [k, 1] weight, output {@code score} float [N, 1].
 */
final class MatMulModel {
  private MatMulModel() {}

  static byte[] bytes(int k) {
    float[] ones = new float[k];
    java.util.Arrays.fill(ones, 1f);
    OnnxGraphBuilder graph = new OnnxGraphBuilder("matmul" + k);
    String w = graph.floatInitializer("w", ones, k, 1);
    return graph
        .input("features", OnnxGraphBuilder.tensorType(TensorProto.DataType.FLOAT, "N", "F"))
        .node("MatMul", List.of("features", w), List.of("score"))
        .output("score", OnnxGraphBuilder.tensorType(TensorProto.DataType.FLOAT, "N", 1))
        .build("fails unless run on " + k + " features", false)
        .toByteArray();
  }
}
