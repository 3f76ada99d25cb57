package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** How long one path took to score {@code rows} rows. */
public record PathTiming(BenchmarkPath path, long rows, Duration wall) {
  public PathTiming {
    requireNonNull(path, "path is null");
    requireNonNull(wall, "wall is null");
    if (rows < 0) {
      throw new IllegalArgumentException("Invalid rows (negative): " + rows);
    }
    if (wall.isNegative() || wall.isZero()) {
      throw new IllegalArgumentException("Invalid wall time (must be positive): " + wall);
    }
  }

  public double seconds() {
    return wall.toNanos() / 1e9;
  }

  public double rowsPerSecond() {
    return rows / seconds();
  }
}
