package io.lakebatch.submit.modelgen;

import java.util.List;
import java.util.Objects;
import org.tribuo.Example;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDModel;

/**
 * The {@code linear} model as Tribuo trained it, next to the ONNX file exported from it.
 *
 * @param info the written ONNX file
 * @param model the trained Tribuo model
 * @param featureNames Tribuo feature names in natural column order; the ONNX input takes columns in
 *     this order
 * @param groundTruth the coefficients the training data was sampled from
 */
public record TrainedLinearModel(
    ModelInfo info,
    LinearSGDModel model,
    List<String> featureNames,
    SyntheticLinearData groundTruth) {

  public TrainedLinearModel {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(model, "model");
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(groundTruth, "groundTruth");
  }

  /**
   * An unlabelled Tribuo example whose feature {@code featureNames().get(i)} has value {@code
   * row[i]}.
   */
  public Example<Regressor> example(double[] row) {
    if (row.length != featureNames.size()) {
      throw new IllegalArgumentException(
          "row must have " + featureNames.size() + " values, got " + row.length);
    }
    return new ArrayExample<>(
        RegressionFactory.UNKNOWN_REGRESSOR, featureNames.toArray(String[]::new), row);
  }

  /** Tribuo's prediction for {@code row}. */
  public double predict(double[] row) {
    return model.predict(example(row)).getOutput().getValues()[0];
  }
}
