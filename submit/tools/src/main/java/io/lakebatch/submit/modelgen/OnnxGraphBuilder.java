package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates nodes, initializers, inputs and outputs of one ONNX graph and wraps them in a model
 * with IR version 8, opset {@code ai.onnx} 13 and, when requested, {@code ai.onnx.ml} 3.
 */
public final class OnnxGraphBuilder {

  static final long IR_VERSION = 8L;
  static final long DEFAULT_DOMAIN_OPSET = 13L;
  static final String ML_DOMAIN = "ai.onnx.ml";
  static final long ML_DOMAIN_OPSET = 3L;
  public static final String BATCH_DIMENSION = "N";

  private final GraphProto.Builder graph;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private int nodeCount;

  public OnnxGraphBuilder(String graphName) {
    this.graph = GraphProto.newBuilder().setName(graphName);
  }

  public OnnxGraphBuilder input(String name, TypeProto type) {
    graph.addInput(valueInfo(name, type));
    return this;
  }

  public OnnxGraphBuilder output(String name, TypeProto type) {
    graph.addOutput(valueInfo(name, type));
    return this;
  }

  /**
   * Adds a model-level {@code metadata_props} entry, which ONNX Runtime reports as custom metadata.
   */
  OnnxGraphBuilder metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public String floatInitializer(String name, float[] values, long... dimensions) {
    requireElementCount(name, values.length, dimensions);
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    addInitializer(name, TensorProto.DataType.FLOAT, buffer, dimensions);
    return name;
  }

  String longInitializer(String name, long[] values, long... dimensions) {
    requireElementCount(name, values.length, dimensions);
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asLongBuffer().put(values);
    addInitializer(name, TensorProto.DataType.INT64, buffer, dimensions);
    return name;
  }

  /** Adds a node in the default {@code ai.onnx} domain. */
  public OnnxGraphBuilder node(
      String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    return node("", opType, inputs, outputs, attributes);
  }

  OnnxGraphBuilder node(
      String domain,
      String opType,
      List<String> inputs,
      List<String> outputs,
      AttributeProto... attributes) {
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setName(opType + "_" + nodeCount++)
            .setOpType(opType)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .addAllAttribute(List.of(attributes));
    if (!domain.isEmpty()) {
      node.setDomain(domain);
    }
    graph.addNode(node);
    return this;
  }

  public ModelProto build(String docString, boolean usesMlDomain) {
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("lakebatch-modelgen")
            .setProducerVersion("1")
            .setDomain("io.lakebatch")
            .setModelVersion(1L)
            .setDocString(docString)
            .addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain("").setVersion(DEFAULT_DOMAIN_OPSET))
            .setGraph(graph);
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    if (usesMlDomain) {
      model.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_DOMAIN_OPSET));
    }
    return model.build();
  }

  /**
   * A tensor type; each dimension is either a {@link String} (symbolic) or a {@link Number}
   * (fixed).
   */
  public static TypeProto tensorType(TensorProto.DataType elementType, Object... dimensions) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object dimension : dimensions) {
      if (dimension instanceof String symbol) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(symbol));
      } else if (dimension instanceof Number size) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(size.longValue()));
      } else {
        throw new IllegalArgumentException("Dimension must be a String or a Number: " + dimension);
      }
    }
    return TypeProto.newBuilder()
        .setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(elementType.getNumber()).setShape(shape))
        .build();
  }

  /** {@code seq(map(keyType, tensor(valueType)))}, as emitted by ZipMap. */
  static TypeProto sequenceOfMapsType(
      TensorProto.DataType keyType, TensorProto.DataType valueType) {
    TypeProto value =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(valueType.getNumber()))
            .build();
    TypeProto map =
        TypeProto.newBuilder()
            .setMapType(
                TypeProto.Map.newBuilder().setKeyType(keyType.getNumber()).setValueType(value))
            .build();
    return TypeProto.newBuilder()
        .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(map))
        .build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static AttributeProto stringAttribute(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  static AttributeProto intsAttribute(String name, long... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }

  static AttributeProto floatsAttribute(String name, float... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float value : values) {
      attribute.addFloats(value);
    }
    return attribute.build();
  }

  static AttributeProto stringsAttribute(String name, List<String> values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
    for (String value : values) {
      attribute.addStrings(ByteString.copyFromUtf8(value));
    }
    return attribute.build();
  }

  private void addInitializer(
      String name, TensorProto.DataType type, ByteBuffer littleEndianData, long... dimensions) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(littleEndianData.array()));
    for (long dimension : dimensions) {
      tensor.addDims(dimension);
    }
    graph.addInitializer(tensor);
  }

  private static ValueInfoProto valueInfo(String name, TypeProto type) {
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  private static void requireElementCount(String name, int actual, long... dimensions) {
    long expected = 1;
    for (long dimension : dimensions) {
      expected *= dimension;
    }
    if (expected != actual) {
      throw new IllegalArgumentException(
          "Initializer " + name + " has " + actual + " values but its shape needs " + expected);
    }
  }
}
