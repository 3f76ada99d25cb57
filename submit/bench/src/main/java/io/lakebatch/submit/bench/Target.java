package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** A goal for one measured ratio: at least or at most {@code threshold}. */
public record Target(Bound bound, double threshold) {
  /** Which side of the threshold meets the target. */
  public enum Bound {
    AT_LEAST(">="),
    AT_MOST("<=");

    private final String symbol;

    Bound(String symbol) {
      this.symbol = symbol;
    }
  }

  public Target {
    requireNonNull(bound, "bound is null");
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException(
          "Invalid target threshold (must be positive and finite): " + threshold);
    }
  }

  public static Target atLeast(double threshold) {
    return new Target(Bound.AT_LEAST, threshold);
  }

  public static Target atMost(double threshold) {
    return new Target(Bound.AT_MOST, threshold);
  }

  public boolean isMetBy(double value) {
    return bound == Bound.AT_LEAST ? value >= threshold : value <= threshold;
  }

  /** {@code >= 0.90} or {@code <= 1.15}. */
  public String describe() {
    String number =
        threshold == Math.rint(threshold)
            ? String.format(Locale.ROOT, "%.0f", threshold)
            : String.format(Locale.ROOT, "%.2f", threshold);
    return bound.symbol + " " + number;
  }

  /** {@code met} or {@code NOT met}. */
  public String mark(double value) {
    return isMetBy(value) ? "met" : "NOT met";
  }
}
