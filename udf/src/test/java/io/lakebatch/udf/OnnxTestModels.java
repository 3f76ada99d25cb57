package io.lakebatch.udf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Small ONNX models built in the test, written straight in ONNX's protobuf wire format: udf's tests
 * cannot use submit's generators (or their protobuf classes), and these graphs need only a handful
 * of fields. IR version 8, opset {@code ai.onnx} 13 and {@code ai.onnx.ml} 3, batch dimension
 * {@code N}.
 */
final class OnnxTestModels {
  /** ONNX {@code TensorProto.DataType} codes. */
  static final int FLOAT = 1;

  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int DOUBLE = 11;

  private OnnxTestModels() {}

  /**
   * {@code y = Identity(x)}: input {@code x} and output {@code y} of element type {@code type} and
   * shape {@code [N, rowShape...]}; {@code name} goes into the graph, so two names give two
   * sha256s.
   */
  static byte[] identity(String name, int type, long... rowShape) {
    Proto graph =
        new Proto()
            .message(1, node("Identity", "", new String[] {"x"}, new String[] {"y"}))
            .string(2, name)
            .message(11, valueInfo("x", tensorType(type, rowShape)))
            .message(12, valueInfo("y", tensorType(type, rowShape)));
    return model(graph);
  }

  /**
   * {@code probabilities = ZipMap(x)}: float input {@code x} of shape {@code [N, classes]}, output
   * a sequence of maps from class label {@code 0..classes-1} (int64) to the row's value.
   */
  static byte[] zipMap(int classes) {
    Proto labels = new Proto().string(1, "classlabels_int64s").varint(20, 7); // AttributeType.INTS
    for (int c = 0; c < classes; c++) {
      labels.varint(8, c);
    }
    Proto zip =
        node("ZipMap", "ai.onnx.ml", new String[] {"x"}, new String[] {"probabilities"})
            .message(5, labels);
    Proto mapType =
        new Proto()
            .varint(1, INT64)
            .message(2, new Proto().message(1, new Proto().varint(1, FLOAT)));
    Proto sequenceOfMaps =
        new Proto().message(4, new Proto().message(1, new Proto().message(5, mapType)));
    Proto graph =
        new Proto()
            .message(1, zip)
            .string(2, "zipmap")
            .message(11, valueInfo("x", tensorType(FLOAT, classes)))
            .message(12, valueInfo("probabilities", sequenceOfMaps));
    return model(graph);
  }

  /**
   * A masked mean, as a transformer pools its tokens: inputs {@code input_ids} and {@code
   * attention_mask}, int64 {@code [batch, seq]} (named dims), output {@code score} float {@code
   * [batch]} = sum(ids * mask) / sum(mask). Padding with mask 0 leaves a row's score unchanged.
   */
  static byte[] maskedMean() {
    Proto graph =
        new Proto()
            .message(1, cast("input_ids", "ids_f", FLOAT))
            .message(1, cast("attention_mask", "mask_f", FLOAT))
            .message(1, named(node("Mul", "", strings("ids_f", "mask_f"), strings("masked")), "m"))
            .message(1, reduceMean("masked", "sum_ids"))
            .message(1, reduceMean("mask_f", "sum_mask"))
            .message(
                1, named(node("Div", "", strings("sum_ids", "sum_mask"), strings("score")), "d"))
            .string(2, "masked_mean")
            .message(11, valueInfo("input_ids", namedTensorType(INT64, "batch", "seq")))
            .message(11, valueInfo("attention_mask", namedTensorType(INT64, "batch", "seq")))
            .message(12, valueInfo("score", namedTensorType(FLOAT, "batch")));
    return model(graph);
  }

  /**
   * {@code score = ReduceMean(Gather(table, input_ids), axis 1)}: {@code input_ids} int64 {@code
   * [batch, seq]}, a table of {@code vocabulary} floats {@code 0.5 * id}; ONNX Runtime refuses an
   * id outside {@code [0, vocabulary)}. No mask: padding (id 0) counts.
   */
  static byte[] embeddingMean(int vocabulary) {
    Proto table = new Proto().varint(1, vocabulary).varint(2, FLOAT).string(8, "table");
    java.nio.ByteBuffer raw =
        java.nio.ByteBuffer.allocate(4 * vocabulary).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < vocabulary; i++) {
      raw.putFloat(0.5f * i);
    }
    table.delimited(9, raw.array()); // raw_data
    Proto graph =
        new Proto()
            .message(
                1, named(node("Gather", "", strings("table", "input_ids"), strings("rows")), "g"))
            .message(1, reduceMean("rows", "score"))
            .string(2, "embedding_mean")
            .message(5, table)
            .message(11, valueInfo("input_ids", namedTensorType(INT64, "batch", "seq")))
            .message(12, valueInfo("score", namedTensorType(FLOAT, "batch")));
    return model(graph);
  }

  private static String[] strings(String... values) {
    return values;
  }

  private static Proto named(Proto node, String suffix) {
    return node.string(3, "node_" + suffix);
  }

  private static Proto cast(String input, String output, int to) {
    Proto attribute = new Proto().string(1, "to").varint(3, to).varint(20, 2); // AttributeType.INT
    return named(node("Cast", "", strings(input), strings(output)), output).message(5, attribute);
  }

  /** ReduceMean over axis 1 without keeping it (opset 13 still takes axes as an attribute). */
  private static Proto reduceMean(String input, String output) {
    Proto axes = new Proto().string(1, "axes").varint(8, 1).varint(20, 7); // AttributeType.INTS
    Proto keep = new Proto().string(1, "keepdims").varint(3, 0).varint(20, 2);
    return named(node("ReduceMean", "", strings(input), strings(output)), output)
        .message(5, axes)
        .message(5, keep);
  }

  /** {@code TypeProto} of a tensor whose dims are all symbolic, named {@code dims}. */
  private static Proto namedTensorType(int type, String... dims) {
    Proto shape = new Proto();
    for (String d : dims) {
      shape.message(1, new Proto().string(2, d));
    }
    return new Proto().message(1, new Proto().varint(1, type).message(2, shape));
  }

  private static byte[] model(Proto graph) {
    return new Proto()
        .varint(1, 8) // ir_version
        .string(2, "lakebatch-udf-tests")
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 13))
        .message(8, new Proto().string(1, "ai.onnx.ml").varint(2, 3))
        .bytes();
  }

  private static Proto node(String op, String domain, String[] inputs, String[] outputs) {
    Proto node = new Proto();
    for (String input : inputs) {
      node.string(1, input);
    }
    for (String output : outputs) {
      node.string(2, output);
    }
    node.string(3, op + "_0").string(4, op);
    if (!domain.isEmpty()) {
      node.string(7, domain);
    }
    return node;
  }

  private static Proto valueInfo(String name, Proto type) {
    return new Proto().string(1, name).message(2, type);
  }

  /** {@code TypeProto} of a tensor {@code [N, rowShape...]}. */
  private static Proto tensorType(int type, long... rowShape) {
    Proto shape = new Proto().message(1, new Proto().string(2, "N"));
    for (long d : rowShape) {
      shape.message(1, new Proto().varint(1, d));
    }
    return new Proto().message(1, new Proto().varint(1, type).message(2, shape));
  }

  /** A protobuf message being written: varint and length-delimited fields only. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      raw((long) field << 3);
      raw(value);
      return this;
    }

    Proto string(int field, String value) {
      return delimited(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return delimited(field, message.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    Proto delimited(int field, byte[] value) {
      raw(((long) field << 3) | 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    private void raw(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
