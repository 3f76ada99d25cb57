package io.lakebatch.api;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

  private static Path write(Path file, GraphProto graph) throws IOException {
    byte[] bytes =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("lakebatch-api-tests")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build()
            .toByteArray();
    Files.createDirectories(file.getParent());
    return Files.write(file, bytes);
  }

  private static GraphProto graph(boolean pair) {
    GraphProto.Builder graph =
        GraphProto.newBuilder()
            .setName(pair ? "score-and-pair" : "score")
            .addInput(value("features", "N", 4))
            .addInitializer(weights("w", SCORE_WEIGHTS, 4, 1))
            .addNode(
                NodeProto.newBuilder()
                    .setName("score")
                    .setOpType("MatMul")
                    .addInput("features")
                    .addInput("w")
                    .addOutput("score"))
            .addOutput(value("score", "N", 1));
    if (pair) {
      graph
          .addInitializer(weights("w2", PAIR_WEIGHTS, 4, 2))
          .addNode(
              NodeProto.newBuilder()
                  .setName("pair")
                  .setOpType("MatMul")
                  .addInput("features")
                  .addInput("w2")
                  .addOutput("pair"))
          .addOutput(value("pair", "N", 2));
    }
    return graph.build();
  }

  private static TensorProto weights(String name, float[] values, long rows, long columns) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .addDims(rows)
            .addDims(columns);
    for (float v : values) {
      tensor.addFloatData(v);
    }
    return tensor.build();
  }

  /** A float tensor value; each dimension a symbol (String) or a size (Number). */
  private static ValueInfoProto value(String name, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object dim : dims) {
      shape.addDim(
          dim instanceof String symbol
              ? TensorShapeProto.Dimension.newBuilder().setDimParam(symbol)
              : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) dim).longValue()));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }
}
