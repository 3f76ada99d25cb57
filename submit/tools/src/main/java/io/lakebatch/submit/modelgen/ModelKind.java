package io.lakebatch.submit.modelgen;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kinds of ONNX model that {@link ModelGenerator} can write.
 *
 * <p>Each kind has a lower-case command-line name, see {@link #cliName()} and {@link
 * #parse(String)}.
 */
public enum ModelKind {
  /** Multilayer perceptron: {@code features} float [N, features] to {@code score} float [N, 1]. */
  MLP("mlp"),
  /** Linear regression trained with Tribuo SGD and exported by Tribuo's own ONNX exporter. */
  LINEAR("linear"),
  /**
   * {@code ai.onnx.ml} TreeEnsembleClassifier followed by ZipMap, shaped like skl2onnx classifier
   * output.
   */
  TREES("trees"),
  /**
   * VGG-style convolutional network: {@code image} float [N, 3, size, size] to {@code logits} float
   * [N, classes].
   */
  CONV("conv"),
  /**
   * MobileNet v1-style network of depthwise-separable convolutions: {@code image} float [N, 3,
   * size, size] to {@code logits} float [N, classes]; see {@link DepthwiseSeparableModel}.
   */
  MOBILENET("mobilenet"),
  /**
   * Mean-pooled token embedding: {@code input_ids} int64 [N, length] to {@code embedding} and
   * {@code score}.
   */
  TOKENS("tokens"),
  /**
   * Transformer encoder: {@code input_ids} and {@code attention_mask} int64 [N, S], S dynamic, to
   * {@code score} float [N, 1] and {@code embedding}; see {@link EncoderModel}.
   */
  ENCODER("encoder");

  private final String cliName;

  ModelKind(String cliName) {
    this.cliName = cliName;
  }

  /** The lower-case name accepted by {@link #parse(String)}. */
  public String cliName() {
    return cliName;
  }

  /**
   * Parses a lower-case kind name such as {@code "mlp"}.
   *
   * @throws IllegalArgumentException if the name is not one of the allowed names, listing them
   */
  public static ModelKind parse(String name) {
    if (name != null) {
      String normalized = name.trim().toLowerCase(Locale.ROOT);
      for (ModelKind kind : values()) {
        if (kind.cliName.equals(normalized)) {
          return kind;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown model kind '" + name + "'; allowed: " + allowedNames());
  }

  /** All accepted names, comma separated, in declaration order. */
  public static String allowedNames() {
    return Arrays.stream(values()).map(ModelKind::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
