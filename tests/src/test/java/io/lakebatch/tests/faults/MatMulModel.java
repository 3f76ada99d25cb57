package io.lakebatch.tests.faults;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A model that loads and passes the signature check for any number of feature columns but fails
 * when run on anything but {@code k} of them: input {@code features} float [N, F] (F dynamic), a
 * MatMul with a [k, 1] weight, output {@code score} float [N, 1].
 */
final class MatMulModel {
  private MatMulModel() {}

  static byte[] bytes(int k) {
    TensorProto.Builder weight =
        TensorProto.newBuilder()
            .setName("w")
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .addDims(k)
            .addDims(1);
    for (int i = 0; i < k; i++) {
      weight.addFloatData(1f);
    }
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("matmul" + k)
            .addInput(value("features", "N", "F"))
            .addInitializer(weight)
            .addNode(
                NodeProto.newBuilder()
                    .setName("matmul")
                    .setOpType("MatMul")
                    .addInput("features")
                    .addInput("w")
                    .addOutput("score"))
            .addOutput(value("score", "N", 1))
            .build();
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("lakebatch-fault-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
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
