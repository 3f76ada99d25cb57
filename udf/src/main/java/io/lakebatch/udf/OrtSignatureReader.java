package io.lakebatch.udf;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.model.ValueKind;
import io.lakebatch.catalog.model.ValueSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a model's declared inputs and outputs from an ONNX Runtime session. */
public final class OrtSignatureReader {
  private OrtSignatureReader() {}

  public static ModelSignature read(OrtSession session) {
    try {
      return new ModelSignature(values(session.getInputInfo()), values(session.getOutputInfo()));
    } catch (OrtException e) {
      throw LakeBatchErrors.internal("cannot read the model signature", e);
    }
  }

  /**
   * The model's custom metadata ({@code metadata_props}), e.g. the tokenizer a text model declares.
   */
  public static Map<String, String> metadata(OrtSession session) {
    try {
      return Map.copyOf(session.getMetadata().getCustomMetadata());
    } catch (OrtException e) {
      throw LakeBatchErrors.internal("cannot read the model metadata", e);
    }
  }

  private static List<ValueSignature> values(Map<String, NodeInfo> infos) {
    List<ValueSignature> values = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      values.add(value(node));
    }
    return values;
  }

  private static ValueSignature value(NodeInfo node) {
    if (node.getInfo() instanceof TensorInfo tensor) {
      List<Long> dims = new ArrayList<>();
      for (long d : tensor.getShape()) {
        dims.add(d);
      }
      String[] names = tensor.getDimensionNames();
      List<String> dimNames =
          names == null || names.length != dims.size()
              ? List.of()
              : java.util.Arrays.stream(names).map(n -> n == null ? "" : n).toList();
      return ValueSignature.tensor(node.getName(), elementType(tensor.type), dims, dimNames);
    }
    if (node.getInfo() instanceof SequenceInfo sequence && sequence.isSequenceOfMaps()) {
      MapInfo map = sequence.mapInfo;
      return new ValueSignature(
          node.getName(),
          ValueKind.SEQUENCE_OF_MAPS,
          elementType(map.valueType),
          List.of(),
          elementType(map.keyType));
    }
    return new ValueSignature(
        node.getName(), ValueKind.OTHER, ElementType.OTHER, List.of(), ElementType.OTHER);
  }

  static ElementType elementType(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> ElementType.FLOAT;
      case DOUBLE -> ElementType.DOUBLE;
      case INT8 -> ElementType.INT8;
      case INT16 -> ElementType.INT16;
      case INT32 -> ElementType.INT32;
      case INT64 -> ElementType.INT64;
      case BOOL -> ElementType.BOOL;
      case STRING -> ElementType.STRING;
      default -> ElementType.OTHER;
    };
  }
}
