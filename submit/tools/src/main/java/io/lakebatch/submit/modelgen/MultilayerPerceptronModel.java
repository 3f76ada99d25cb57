package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code mlp} kind: input {@code features} float [N, features], {@code depth} hidden layers of
 * width {@code hidden} (Gemm then Relu), and a final Gemm to output {@code score} float [N, 1].
 */
public final class MultilayerPerceptronModel {

  public static final String INPUT_NAME = "features";
  public static final String OUTPUT_NAME = "score";

  private MultilayerPerceptronModel() {}

  /**
   * The seeded layers, input to output: {@code depth} hidden layers followed by the one-unit score
   * layer.
   */
  public static List<DenseLayer> layers(ModelOptions options) {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<DenseLayer> layers = new ArrayList<>();
    int inputs = options.features();
    for (int layer = 0; layer < options.depth(); layer++) {
      layers.add(randomLayer(random, inputs, options.hidden()));
      inputs = options.hidden();
    }
    layers.add(randomLayer(random, inputs, 1));
    return List.copyOf(layers);
  }

  static ModelProto build(ModelOptions options) {
    OnnxGraphBuilder graph =
        new OnnxGraphBuilder("lakebatch_mlp")
            .input(
                INPUT_NAME,
                OnnxGraphBuilder.tensorType(
                    DataType.FLOAT, OnnxGraphBuilder.BATCH_DIMENSION, options.features()))
            .output(
                OUTPUT_NAME,
                OnnxGraphBuilder.tensorType(DataType.FLOAT, OnnxGraphBuilder.BATCH_DIMENSION, 1));
    List<DenseLayer> layers = layers(options);
    String current = INPUT_NAME;
    for (int index = 0; index < layers.size(); index++) {
      DenseLayer layer = layers.get(index);
      boolean last = index == layers.size() - 1;
      String weights =
          graph.floatInitializer(
              "layer" + index + "_weight", layer.weights(), layer.outputs(), layer.inputs());
      String bias =
          graph.floatInitializer("layer" + index + "_bias", layer.bias(), layer.outputs());
      String linearOutput = last ? OUTPUT_NAME : "layer" + index + "_linear";
      graph.node(
          "Gemm",
          List.of(current, weights, bias),
          List.of(linearOutput),
          OnnxGraphBuilder.intAttribute("transB", 1));
      if (!last) {
        String activated = "layer" + index + "_relu";
        graph.node("Relu", List.of(linearOutput), List.of(activated));
        current = activated;
      }
    }
    return graph.build(description(options), false);
  }

  static String description(ModelOptions options) {
    return "MLP: "
        + INPUT_NAME
        + " float[N,"
        + options.features()
        + "] -> "
        + options.depth()
        + " x (Gemm "
        + options.hidden()
        + " + Relu) -> Gemm 1 -> "
        + OUTPUT_NAME
        + " float[N,1]; seed "
        + options.seed();
  }

  private static DenseLayer randomLayer(SplittableRandom random, int inputs, int outputs) {
    float[] weights = SeededValues.uniform(random, inputs * outputs, SeededValues.heScale(inputs));
    float[] bias = SeededValues.uniform(random, outputs, 0.1);
    return new DenseLayer(inputs, outputs, weights, bias);
  }
}
