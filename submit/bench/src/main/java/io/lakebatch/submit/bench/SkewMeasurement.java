package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One LakeBatch run of the skew section.
 *
 * @param files data files of the input
 * @param tasks tasks the plan made
 * @param wall prepare plus run: the median of {@code rounds} runs
 * @param prepare the {@code prepare} part of that run
 * @param estimatedSkew the plan's max/median task rows
 * @param estimatedCostSkew the plan's max/median task cost
 * @param ratioToUniform this run's wall time over the uniform input's
 */
public record SkewMeasurement(
    SkewLayout layout,
    String description,
    long rows,
    long files,
    int tasks,
    Duration wall,
    Duration prepare,
    int rounds,
    double estimatedSkew,
    double estimatedCostSkew,
    double ratioToUniform) {
  /** Wall time on a skewed or tiny-file input over the uniform input's. */
  public static final Target RATIO_TO_UNIFORM = Target.atMost(1.15);

  public SkewMeasurement {
    requireNonNull(layout, "layout is null");
    requireNonNull(description, "description is null");
    requireNonNull(wall, "wall is null");
    requireNonNull(prepare, "prepare is null");
  }

  public double seconds() {
    return wall.toNanos() / 1e9;
  }

  public double prepareSeconds() {
    return prepare.toNanos() / 1e9;
  }

  public double rowsPerSecond() {
    return rows / seconds();
  }
}
