package io.lakebatch.api;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import io.lakebatch.submit.modelgen.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small ONNX models built by hand: input {@code features} float [N, 4]; {@code score} float [N, 1]
 * = features x {@link #SCORE_WEIGHTS}, and in the two-output model also {@code pair} float [N, 2].
 */
final class LinearModels {
  static final float[] SCORE_WEIGHTS = {0.5f, -1f, 2f, 0.25f};
  static final float[] PAIR_WEIGHTS = {
    1f, 0f, 0f, 1f, 1f, 0f, 0f, 1f
  }; // [4, 2]: (f0 + f2, f1 + f3)

  private LinearModels() {}

  static Path writeScore(Path file) throws IOException {
    return write(file, graph(false));
  }

  static Path writeScoreAndPair(Path file) throws IOException {
    return write(file, graph(true));
  }

  private static Path write(Path file, OnnxGraphBuilder graph) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, graph.build("linear test model", false).toByteArray());
  }

  private static OnnxGraphBuilder graph(boolean pair) {
    OnnxGraphBuilder graph = new OnnxGraphBuilder(pair ? "score-and-pair" : "score");
    String w = graph.floatInitializer("w", SCORE_WEIGHTS, 4, 1);
    graph
        .input("features", floats(4))
        .node("MatMul", List.of("features", w), List.of("score"))
        .output("score", floats(1));
    if (pair) {
      String w2 = graph.floatInitializer("w2", PAIR_WEIGHTS, 4, 2);
      graph.node("MatMul", List.of("features", w2), List.of("pair")).output("pair", floats(2));
    }
    return graph;
  }

  private static TypeProto floats(long columns) {
    return OnnxGraphBuilder.tensorType(
        TensorProto.DataType.FLOAT, OnnxGraphBuilder.BATCH_DIMENSION, columns);
  }
}
