package io.lakebatch.submit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The scaling section's arithmetic and rendering, without running anything. */
class ScalingReportTest {
  private static final PeakMemory.Peaks PEAKS =
      new PeakMemory.Peaks(
          512L << 20, 200L << 20, OptionalLong.of(2048L << 20), PeakMemory.RssScope.SPAN);

  /**
   * A run of {@code rows} costing {@code fixedMillis} plus {@code nanosPerRow} per row, prepare 1 s
   * of it.
   */
  private static ScalingMeasurement run(long rows, long fixedMillis, long nanosPerRow) {
    return new ScalingMeasurement(
        rows,
        Duration.ofMillis(fixedMillis).plusNanos(rows * nanosPerRow),
        Duration.ofSeconds(1),
        PEAKS);
  }

  @Test
  void aFixedCostPlusAFlatCostPerRowIsFoundByTheFit() {
    List<ScalingMeasurement> runs =
        List.of(
            run(1_000_000, 2_000, 2_500),
            run(5_000_000, 2_000, 2_500),
            run(20_000_000, 2_000, 2_500));

    ScalingMeasurement.CostFit fit = ScalingMeasurement.CostFit.of(runs);

    assertThat(fit.fixedSeconds()).isCloseTo(2.0, within(1e-6));
    assertThat(fit.marginalNanosPerRow()).isCloseTo(2_500, within(1e-6));
    assertThat(runs.get(0).nanosPerRow()).isCloseTo(4_500, within(1e-6));
    assertThat(runs.get(0).runNanosPerRow()).isCloseTo(3_500, within(1e-6));
  }

  @Test
  void aFitNeedsTwoSizes() {
    assertThatThrownBy(
            () ->
                ScalingMeasurement.CostFit.of(
                    List.of(run(1_000, 2_000, 10), run(1_000, 3_000, 10))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two sizes");
  }

  @Test
  void prepareCannotBeLongerThanTheRun() {
    assertThatThrownBy(
            () -> new ScalingMeasurement(10, Duration.ofMillis(5), Duration.ofMillis(6), PEAKS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the whole run");
  }

  @Test
  void theReportShowsBothSpreadsAndTheFit() {
    BenchmarkReport report =
        new BenchmarkReport(
            2,
            0.5,
            List.of(),
            List.of(),
            List.of(run(1_000_000, 2_000, 2_500), run(20_000_000, 2_000, 2_500)));

    // 4,500 vs 2,600 ns/row: 73 % apart; after prepare 3,500 vs 2,550: 37 %
    assertThat(report.scalingSpread().orElseThrow()).isCloseTo(4_500.0 / 2_600 - 1, within(1e-9));
    assertThat(report.scalingRunSpread().orElseThrow())
        .isCloseTo(3_500.0 / 2_550 - 1, within(1e-9));
    assertThat(report.table())
        .contains("ns/row (run)")
        .contains("73.1% prepare + run, 37.3% run")
        .contains("2.00 s fixed per run + 2500 ns/row");
    assertThat(report.csv())
        .contains("scaling,mlp,fit,marginal_ns_per_row,2500")
        .contains("scaling,mlp,1000000,run_ns_per_row,3500");
    assertThat(report.json())
        .contains("\"marginal_ns_per_row\"")
        .contains("\"run_ns_per_row_spread\"");
  }
}
