package io.lakebatch.submit.modelgen;

import java.util.SplittableRandom;

/**
 * The seeded ground truth for the {@code linear} kind: {@code y = sum_i weights[i] * x_i + bias +
 * noise} with {@code x_i ~ U(-1, 1)} and {@code noise ~ U(-noiseScale, noiseScale)}.
 *
 * @param weights true coefficients, one per feature, drawn from U(-2, 2)
 * @param bias true intercept, drawn from U(-1, 1)
 * @param noiseScale half-width of the uniform noise added to each target
 */
public record SyntheticLinearData(double[] weights, double bias, double noiseScale) {

  static final double DEFAULT_NOISE_SCALE = 0.01;

  public SyntheticLinearData {
    if (weights.length == 0) {
      throw new IllegalArgumentException("weights must not be empty");
    }
    if (noiseScale < 0) {
      throw new IllegalArgumentException("noiseScale must not be negative, got " + noiseScale);
    }
    weights = weights.clone();
  }

  /** Draws the true coefficients from a generator seeded with {@code options.seed()}. */
  public static SyntheticLinearData fromOptions(ModelOptions options) {
    SplittableRandom random = new SplittableRandom(options.seed());
    double[] weights = new double[options.features()];
    for (int feature = 0; feature < weights.length; feature++) {
      weights[feature] = random.nextDouble(-2.0, 2.0);
    }
    return new SyntheticLinearData(weights, random.nextDouble(-1.0, 1.0), DEFAULT_NOISE_SCALE);
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  public int features() {
    return weights.length;
  }

  /** A row of {@code features()} values drawn from U(-1, 1). */
  public double[] sampleRow(SplittableRandom random) {
    double[] row = new double[weights.length];
    for (int feature = 0; feature < row.length; feature++) {
      row[feature] = random.nextDouble(-1.0, 1.0);
    }
    return row;
  }

  /** The noiseless target for {@code row}. */
  public double target(double[] row) {
    double sum = bias;
    for (int feature = 0; feature < weights.length; feature++) {
      sum += weights[feature] * row[feature];
    }
    return sum;
  }

  /** The target for {@code row} plus uniform noise. */
  public double noisyTarget(double[] row, SplittableRandom random) {
    return target(row) + (noiseScale == 0 ? 0.0 : random.nextDouble(-noiseScale, noiseScale));
  }
}
