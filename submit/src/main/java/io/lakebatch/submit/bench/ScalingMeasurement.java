package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One LakeBatch run of the scaling section.
 *
 * @param peaks heap and resident-set peaks during the run; driver and executors share this JVM in local mode
 */
public record ScalingMeasurement(long rows, Duration wall, PeakMemory.Peaks peaks) {
  /** The spread of ns/row over the sizes, max/min - 1. */
  public static final Target SPREAD = Target.atMost(0.10);

  public ScalingMeasurement {
    requireNonNull(wall, "wall is null");
    requireNonNull(peaks, "peaks is null");
  }

  public double nanosPerRow() {
    return (double) wall.toNanos() / rows;
  }

  public double seconds() {
    return wall.toNanos() / 1e9;
  }
}
