package io.lakebatch.submit;

import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelInfo;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebatch make-model KIND --out PATH}: writes a generated ONNX model. */
@Command(
    name = "make-model",
    description =
        "Write a generated ONNX model: mlp, linear (trained with Tribuo), trees (ai.onnx.ml ensemble + ZipMap), conv, mobilenet (depthwise-separable CNN), tokens, encoder (transformer over token ids).")
final class MakeModelCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "mlp | linear | trees | conv | mobilenet | tokens | encoder")
  String kind;

  @Option(names = "--out", required = true, description = "where to write the .onnx file")
  Path out;

  @Option(
      names = "--features",
      description = "input features (mlp, linear, trees); default ${DEFAULT-VALUE}")
  int features = ModelOptions.defaults().features();

  @Option(
      names = "--hidden",
      description = "hidden width (mlp, tokens), d_model (encoder); default ${DEFAULT-VALUE}")
  int hidden = ModelOptions.defaults().hidden();

  @Option(
      names = "--depth",
      description = "hidden layers (mlp), encoder layers (encoder); default ${DEFAULT-VALUE}")
  int depth = ModelOptions.defaults().depth();

  @Option(names = "--trees", description = "trees (trees); default ${DEFAULT-VALUE}")
  int trees = ModelOptions.defaults().trees();

  // The next four default per kind (ModelOptions.defaultsFor): null means "not given".
  @Option(
      names = "--classes",
      description = "classes (trees, conv, mobilenet); default 3, mobilenet 1000")
  Integer classes;

  @Option(
      names = "--image-size",
      description = "image side (conv, mobilenet); default 16, mobilenet 224")
  Integer imageSize;

  @Option(
      names = "--conv-blocks",
      description =
          "convolution blocks, each halving the image (conv); stages after the stem, each halving the"
              + " image and doubling the channels (mobilenet); default 3, mobilenet 4")
  Integer convolutionBlocks;

  @Option(
      names = "--conv-channels",
      description =
          "channels of the first block, doubled per block (conv); of the stem (mobilenet); default 32,"
              + " mobilenet 64")
  Integer convolutionChannels;

  @Option(
      names = "--sequence-length",
      description = "tokens per row (tokens); default ${DEFAULT-VALUE}")
  int sequenceLength = ModelOptions.defaults().sequenceLength();

  @Option(
      names = "--vocabulary",
      description =
          "embedding rows, token ids in [0, V) (tokens, encoder); default ${DEFAULT-VALUE}")
  int vocabulary = ModelOptions.defaults().vocabulary();

  @Option(
      names = "--heads",
      description = "attention heads, must divide --hidden (encoder); default ${DEFAULT-VALUE}")
  int attentionHeads = ModelOptions.defaults().attentionHeads();

  @Option(
      names = "--feed-forward",
      description = "feed-forward inner width (encoder); default ${DEFAULT-VALUE}")
  int feedForwardWidth = ModelOptions.defaults().feedForwardWidth();

  @Option(
      names = "--max-length",
      description = "longest accepted sequence (encoder); default ${DEFAULT-VALUE}")
  int maximumLength = ModelOptions.defaults().maximumLength();

  @Option(names = "--seed", description = "weights seed; default ${DEFAULT-VALUE}")
  long seed = ModelOptions.defaults().seed();

  @Override
  public Integer call() {
    ModelKind modelKind;
    try {
      modelKind = ModelKind.parse(kind);
    } catch (IllegalArgumentException e) {
      throw io.lakebatch.catalog.error.LakeBatchErrors.usage(e.getMessage());
    }
    ModelOptions kindDefaults = ModelOptions.defaultsFor(modelKind);
    ModelOptions options =
        kindDefaults
            .withFeatures(features)
            .withHidden(hidden)
            .withDepth(depth)
            .withTrees(trees)
            .withClasses(given(classes, kindDefaults.classes()))
            .withImageSize(given(imageSize, kindDefaults.imageSize()))
            .withConvolutionBlocks(given(convolutionBlocks, kindDefaults.convolutionBlocks()))
            .withConvolutionChannels(given(convolutionChannels, kindDefaults.convolutionChannels()))
            .withSequenceLength(sequenceLength)
            .withVocabulary(vocabulary)
            .withAttentionHeads(attentionHeads)
            .withFeedForwardWidth(feedForwardWidth)
            .withMaximumLength(maximumLength)
            .withSeed(seed);
    ModelInfo info = ModelGenerator.write(modelKind, options, out);
    System.out.printf(
        "wrote %s: %s%n  inputs %s, outputs %s%n",
        info.path(), info.description(), info.inputNames(), info.outputNames());
    return 0;
  }

  private static int given(Integer value, int kindDefault) {
    return value == null ? kindDefault : value;
  }
}
