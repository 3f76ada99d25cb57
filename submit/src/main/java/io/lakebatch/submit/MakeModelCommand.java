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
@Command(name = "make-model", description = "Write a generated ONNX model: mlp, linear (trained with Tribuo), trees (ai.onnx.ml ensemble + ZipMap), conv, tokens.")
final class MakeModelCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "KIND", description = "mlp | linear | trees | conv | tokens")
  String kind;

  @Option(names = "--out", required = true, description = "where to write the .onnx file")
  Path out;

  @Option(names = "--features", description = "input features (mlp, linear, trees); default ${DEFAULT-VALUE}")
  int features = ModelOptions.defaults().features();

  @Option(names = "--hidden", description = "hidden width (mlp, tokens); default ${DEFAULT-VALUE}")
  int hidden = ModelOptions.defaults().hidden();

  @Option(names = "--depth", description = "hidden layers (mlp); default ${DEFAULT-VALUE}")
  int depth = ModelOptions.defaults().depth();

  @Option(names = "--trees", description = "trees (trees); default ${DEFAULT-VALUE}")
  int trees = ModelOptions.defaults().trees();

  @Option(names = "--classes", description = "classes (trees, conv); default ${DEFAULT-VALUE}")
  int classes = ModelOptions.defaults().classes();

  @Option(names = "--image-size", description = "image side (conv); default ${DEFAULT-VALUE}")
  int imageSize = ModelOptions.defaults().imageSize();

  @Option(names = "--sequence-length", description = "tokens per row (tokens); default ${DEFAULT-VALUE}")
  int sequenceLength = ModelOptions.defaults().sequenceLength();

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
    ModelOptions options = ModelOptions.defaults().withFeatures(features).withHidden(hidden).withDepth(depth)
        .withTrees(trees).withClasses(classes).withImageSize(imageSize).withSequenceLength(sequenceLength).withSeed(seed);
    ModelInfo info = ModelGenerator.write(modelKind, options, out);
    System.out.printf("wrote %s: %s%n  inputs %s, outputs %s%n", info.path(), info.description(), info.inputNames(),
        info.outputNames());
    return 0;
  }
}
