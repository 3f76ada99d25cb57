package io.lakebatch.server.scheduling;

/**
 * Weighted max-min fair division ("water filling"): an amount is shared in proportion to weights,
 * no one gets more than its cap, and what a capped party leaves goes to the others in proportion to
 * their weights. The reference the simulation measures schedulers against.
 */
public final class WeightedMaxMin {
  private WeightedMaxMin() {}

  /**
   * Divides {@code amount} among parties of {@code weights} (positive), none above its {@code caps}
   * entry (not negative). When the caps add up to less than the amount, each gets its cap.
   */
  public static double[] divide(double amount, double[] weights, double[] caps) {
    if (weights.length != caps.length) {
      throw new IllegalArgumentException(
          "Invalid division (%d weights, %d caps)".formatted(weights.length, caps.length));
    }
    double[] shares = new double[caps.length];
    boolean[] settled = new boolean[caps.length];
    double left = amount;
    while (left > 1e-9) {
      double weight = 0;
      for (int i = 0; i < caps.length; i++) {
        if (!settled[i] && caps[i] > 0) {
          weight += weights[i];
        }
      }
      if (weight == 0) {
        break;
      }
      double level = left / weight;
      boolean anySettled = false;
      for (int i = 0; i < caps.length; i++) {
        // Settling against the level of this pass is safe: the level only rises as parties settle.
        if (!settled[i] && caps[i] > 0 && caps[i] <= level * weights[i]) {
          left -= caps[i];
          shares[i] = caps[i];
          settled[i] = true;
          anySettled = true;
        }
      }
      if (!anySettled) {
        for (int i = 0; i < caps.length; i++) {
          if (!settled[i] && caps[i] > 0) {
            shares[i] = level * weights[i];
          }
        }
        break;
      }
    }
    return shares;
  }
}
