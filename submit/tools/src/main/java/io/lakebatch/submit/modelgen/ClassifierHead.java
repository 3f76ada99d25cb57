package io.lakebatch.submit.modelgen;

import java.util.List;
import java.util.SplittableRandom;

/** The dense layer that ends the generated image classifiers: {@code Gemm} to the class logits. */
final class ClassifierHead {
  private ClassifierHead() {}

  /**
   * Adds {@code output = input x W^T + b} for {@code width} features and {@code classes} logits,
   * He-initialized weights then biases drawn from {@code random} in that order.
   */
  static void add(
      OnnxGraphBuilder graph,
      SplittableRandom random,
      String input,
      int width,
      int classes,
      String output) {
    String weights =
        graph.floatInitializer(
            "classifier_weight",
            SeededValues.uniform(random, classes * width, SeededValues.heScale(width)),
            classes,
            width);
    String bias =
        graph.floatInitializer(
            "classifier_bias", SeededValues.uniform(random, classes, 0.1), classes);
    graph.node(
        "Gemm",
        List.of(input, weights, bias),
        List.of(output),
        OnnxGraphBuilder.intAttribute("transB", 1));
  }
}
