package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.tribuo.regression.sgd.linear.LinearSGDModel;

/**
 * Writes seeded, reproducible ONNX models (IR version 8, opset {@code ai.onnx} 13, {@code
 * ai.onnx.ml} 3 for trees) for tests and benchmarks. The same kind, options and seed always produce
 * a byte-identical file.
 */
public final class ModelGenerator {

  private ModelGenerator() {}

  /**
   * Writes a model of {@code kind} to {@code out}, creating parent directories.
   *
   * @return the written file and its graph input and output names
   * @throws UncheckedIOException if the file cannot be written
   */
  public static ModelInfo write(ModelKind kind, ModelOptions options, Path out) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(out, "out");
    return switch (kind) {
      case MLP ->
          save(
              kind,
              MultilayerPerceptronModel.build(options),
              MultilayerPerceptronModel.description(options),
              out);
      case LINEAR -> trainLinear(options, out).info();
      case TREES ->
          save(kind, TreeEnsembleModel.build(options), TreeEnsembleModel.description(options), out);
      case CONV ->
          save(
              kind,
              ConvolutionalModel.build(options),
              ConvolutionalModel.description(options),
              out);
      case MOBILENET ->
          save(
              kind,
              DepthwiseSeparableModel.build(options),
              DepthwiseSeparableModel.description(options),
              out);
      case TOKENS ->
          save(
              kind,
              TokenEmbeddingModel.build(options),
              TokenEmbeddingModel.description(options),
              out);
      case ENCODER ->
          save(kind, EncoderModel.build(options), EncoderModel.description(options), out);
    };
  }

  /**
   * Trains the {@code linear} kind with Tribuo, writes Tribuo's ONNX export to {@code out}, and
   * returns the Tribuo model alongside so callers can compare ONNX Runtime output with Tribuo's own
   * predictions.
   */
  public static TrainedLinearModel trainLinear(ModelOptions options, Path out) {
    SyntheticLinearData groundTruth = SyntheticLinearData.fromOptions(options);
    List<String> featureNames = LinearRegressionTrainer.featureNames(options.features());
    LinearSGDModel model = LinearRegressionTrainer.train(options, groundTruth, featureNames);
    String description =
        "Linear: Tribuo LinearSGDTrainer (squared loss, AdaGrad, "
            + LinearRegressionTrainer.EPOCHS
            + " epochs, "
            + LinearRegressionTrainer.TRAINING_ROWS
            + " rows) over "
            + options.features()
            + " features "
            + featureNames.get(0)
            + ".."
            + featureNames.get(featureNames.size() - 1)
            + " in column order; exported by Tribuo; seed "
            + options.seed();
    ModelInfo info =
        save(
            ModelKind.LINEAR, LinearRegressionTrainer.export(model, description), description, out);
    return new TrainedLinearModel(info, model, featureNames, groundTruth);
  }

  private static ModelInfo save(ModelKind kind, ModelProto model, String description, Path out) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(out, model.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + kind + " model to " + out, e);
    }
    return new ModelInfo(
        kind,
        out,
        names(model.getGraph().getInputList(), model),
        names(model.getGraph().getOutputList(), model),
        description);
  }

  private static List<String> names(List<ValueInfoProto> values, ModelProto model) {
    Set<String> initializers =
        model.getGraph().getInitializerList().stream()
            .map(TensorProto::getName)
            .collect(Collectors.toSet());
    return values.stream()
        .map(ValueInfoProto::getName)
        .filter(name -> !initializers.contains(name))
        .toList();
  }
}
