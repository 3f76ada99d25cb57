package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * One LakeBatch run of the scaling section.
 *
 * @param wall prepare plus run
 * @param prepare the part of {@code wall} spent in {@code prepare}: input snapshot, plan, preflight
 * @param peaks heap and resident-set peaks during the run; driver and executors share this JVM in
 *     local mode
 */
public record ScalingMeasurement(
    long rows, Duration wall, Duration prepare, PeakMemory.Peaks peaks) {
  /** The spread of ns/row over the sizes, max/min - 1. */
  public static final Target SPREAD = Target.atMost(0.10);

  public ScalingMeasurement {
    requireNonNull(wall, "wall is null");
    requireNonNull(prepare, "prepare is null");
    requireNonNull(peaks, "peaks is null");
    if (prepare.compareTo(wall) > 0) {
      throw new IllegalArgumentException(
          "prepare " + prepare + " is longer than the whole run " + wall);
    }
  }

  public double nanosPerRow() {
    return (double) wall.toNanos() / rows;
  }

  /**
   * ns/row of the run after {@code prepare}: chunk jobs and commits, plus the run's registration.
   */
  public double runNanosPerRow() {
    return (double) wall.minus(prepare).toNanos() / rows;
  }

  public double seconds() {
    return wall.toNanos() / 1e9;
  }

  public double prepareSeconds() {
    return prepare.toNanos() / 1e9;
  }

  /**
   * Wall time as a fixed cost per run plus a cost per row: the least-squares line through (rows,
   * wall) of the measurements. A flat marginal cost with a falling ns/row means the fixed cost
   * amortizes.
   */
  public record CostFit(double fixedSeconds, double marginalNanosPerRow) {
    /** The fit of at least two measurements of different sizes. */
    public static CostFit of(List<ScalingMeasurement> measurements) {
      if (measurements.stream().mapToLong(ScalingMeasurement::rows).distinct().count() < 2) {
        throw new IllegalArgumentException(
            "a cost fit needs at least two sizes, got " + measurements.size() + " measurement(s)");
      }
      int n = measurements.size();
      double meanRows = measurements.stream().mapToDouble(ScalingMeasurement::rows).sum() / n;
      double meanNanos = measurements.stream().mapToDouble(m -> m.wall().toNanos()).sum() / n;
      double covariance = 0;
      double variance = 0;
      for (ScalingMeasurement m : measurements) {
        double dx = m.rows() - meanRows;
        covariance += dx * (m.wall().toNanos() - meanNanos);
        variance += dx * dx;
      }
      double slope = covariance / variance;
      return new CostFit((meanNanos - slope * meanRows) / 1e9, slope);
    }
  }
}
