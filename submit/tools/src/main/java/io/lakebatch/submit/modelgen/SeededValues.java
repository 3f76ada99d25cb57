package io.lakebatch.submit.modelgen;

import java.util.SplittableRandom;

/** Draws float arrays from a seeded generator so every generated weight is reproducible. */
final class SeededValues {

  private SeededValues() {}

  /** {@code count} values drawn uniformly from {@code (-scale, scale)}. */
  static float[] uniform(SplittableRandom random, int count, double scale) {
    float[] values = new float[count];
    for (int index = 0; index < count; index++) {
      values[index] = (float) (random.nextDouble(-1.0, 1.0) * scale);
    }
    return values;
  }

  /**
   * Scale for a layer with {@code fanIn} inputs that keeps activations of order one (He-style
   * uniform).
   */
  static double heScale(int fanIn) {
    return Math.sqrt(6.0 / fanIn);
  }
}
