package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDModel;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Trains the {@code linear} kind with Tribuo ({@link LinearSGDTrainer}, squared loss, AdaGrad) on
 * {@value #TRAINING_ROWS} rows sampled from {@link SyntheticLinearData}, and exports it with
 * Tribuo's ONNX exporter.
 *
 * <p>Tribuo orders features by name, lexicographically. Feature names are therefore zero-padded
 * ({@code f00 .. f31} for 32 features) so that Tribuo's order, and hence the ONNX input column
 * order, is the natural order {@code f0, f1, ..., f(k-1)}.
 */
final class LinearRegressionTrainer {

  static final int TRAINING_ROWS = 5000;
  static final int EPOCHS = 10;
  static final String TARGET_NAME = "y";
  static final String ONNX_DOMAIN = "io.lakebatch.linear";
  static final long ONNX_MODEL_VERSION = 1L;

  private static final Logger TRIBUO_LOGGER = Logger.getLogger("org.tribuo");

  static {
    TRIBUO_LOGGER.setLevel(Level.WARNING);
  }

  private LinearRegressionTrainer() {}

  /** Zero-padded names whose lexicographic order equals their column order. */
  static List<String> featureNames(int features) {
    int width = String.valueOf(features - 1).length();
    List<String> names = new ArrayList<>(features);
    for (int feature = 0; feature < features; feature++) {
      names.add("f" + "0".repeat(width - String.valueOf(feature).length()) + feature);
    }
    return List.copyOf(names);
  }

  static LinearSGDModel train(
      ModelOptions options, SyntheticLinearData groundTruth, List<String> featureNames) {
    RegressionFactory factory = new RegressionFactory();
    MutableDataset<Regressor> dataset =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(
                "lakebatch synthetic linear data, seed " + options.seed(), factory),
            factory);
    String[] names = featureNames.toArray(String[]::new);
    SplittableRandom random = new SplittableRandom(options.seed()).split();
    for (int row = 0; row < TRAINING_ROWS; row++) {
      double[] values = groundTruth.sampleRow(random);
      Example<Regressor> example =
          new ArrayExample<>(
              new Regressor(TARGET_NAME, groundTruth.noisyTarget(values, random)), names, values);
      dataset.add(example);
    }
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new SquaredLoss(),
            new AdaGrad(0.1, 0.1),
            EPOCHS,
            TRAINING_ROWS * EPOCHS + 1,
            1,
            options.seed());
    return (LinearSGDModel) trainer.train(dataset);
  }

  /**
   * Tribuo's ONNX export with its provenance (model doc string and metadata) replaced by {@code
   * description}: the provenance records training time and host and would make equal seeds produce
   * different files.
   */
  static ModelProto export(LinearSGDModel model, String description) {
    ModelProto exported = model.exportONNXModel(ONNX_DOMAIN, ONNX_MODEL_VERSION);
    return exported.toBuilder()
        .setDocString(description)
        .clearMetadataProps()
        .setGraph(exported.getGraph().toBuilder().clearDocString())
        .build();
  }
}
