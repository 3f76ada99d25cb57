package io.lakebatch.submit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole suite, every profile and the skew section, on tiny tables without warm-up: checks
 * what it prints and writes, never how fast it is.
 */
class BenchmarkSmokeTest {
  private static final Map<BenchmarkProfile, Long> ROWS =
      Map.of(
          BenchmarkProfile.MLP, 20_000L,
          BenchmarkProfile.LINEAR, 20_000L,
          BenchmarkProfile.CONV, 32L,
          BenchmarkProfile.IMAGE, 32L,
          BenchmarkProfile.ENCODER, 500L);
  private static final int TINY_FILES = 64;

  /**
   * Under the module's target folder: the embedded catalog may still be writing when a JUnit temp
   * folder goes.
   */
  private final Path out = Path.of("target", "bench-smoke");

  @AfterAll
  static void stopSpark() {
    // the benchmark owns the module's only SparkSession (getOrCreate); nothing else here needs it
    SparkSession.getActiveSession()
        .foreach(
            session -> {
              session.stop();
              return null;
            });
  }

  @Test
  void scoresEveryProfileThreeWaysAndReportsRatiosAndSkew() throws Exception {
    BenchmarkOptions options =
        BenchmarkOptions.quick(out)
            .withWarmUp(WarmUp.SKIP)
            .withSections(EnumSet.of(BenchmarkSection.SKEW))
            .withTinyFiles(TINY_FILES)
            .withSkewRounds(2);
    for (Map.Entry<BenchmarkProfile, Long> entry : ROWS.entrySet()) {
      options = options.withRows(entry.getKey(), entry.getValue());
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BenchmarkReport report;
    try (PrintStream stream = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      report = new Benchmark(options).run(stream);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);

    assertThat(report.profiles())
        .extracting(ProfileResult::profile)
        .containsExactly(BenchmarkProfile.values());
    assertThat(report.profiles())
        .allSatisfy(
            result -> {
              assertThat(result.paths())
                  .allSatisfy(
                      timing -> {
                        assertThat(timing.rows()).isEqualTo(ROWS.get(result.profile()));
                        assertThat(timing.rowsPerSecond()).isPositive();
                      });
              assertThat(result.lakeBatchOverRawOrt()).isPositive();
              assertThat(result.lakeBatchOverNaiveUdf()).isPositive();
              assertThat(result.autoBatchSize()).isPositive();
              // path (e) needs the CLI's classpath: measured in the tests module's run of it
              assertThat(result.endToEnd()).isEmpty();
            });
    assertThat(report.skew())
        .extracting(SkewMeasurement::layout)
        .containsExactly(SkewLayout.values());
    assertThat(report.skew())
        .allSatisfy(
            m -> {
              assertThat(m.rows()).isEqualTo(ROWS.get(BenchmarkProfile.MLP));
              assertThat(m.ratioToUniform()).isPositive();
              assertThat(m.estimatedSkew()).isGreaterThanOrEqualTo(1);
              assertThat(m.rounds()).isEqualTo(2);
              assertThat(m.prepare()).isPositive().isLessThan(m.wall());
            });
    assertThat(report.skew().get(2).files()).isEqualTo(TINY_FILES);
    assertThat(report.scaling()).isEmpty();

    assertThat(text)
        .contains(
            "| profile | rows (a / b / c)",
            "| mlp     | 20,000 / 20,000 / 20,000",
            "| linear  |",
            "| conv    | 32 / 32 / 32",
            "| image   | 32 / 32 / 32",
            "| encoder | 500 / 500 / 500",
            ">= 0.70",
            ">= 0.90",
            ">= 0.85",
            ">= 5",
            "|   (e) new JVM |   e/b |   e-a s |")
        .contains(
            "skew: mlp profile, 20,000 rows",
            "median of 2 rounds",
            "[skew] round 2/2, tiny-files:",
            "| uniform ",
            "| skewed-80 ",
            "| tiny-files ",
            "<= 1.15");

    BenchmarkWorkspace workspace = new BenchmarkWorkspace(out);
    List<String> csv = Files.readAllLines(workspace.resultsCsv());
    assertThat(csv.get(0)).isEqualTo(BenchmarkReport.CSV_HEADER);
    for (BenchmarkProfile profile : BenchmarkProfile.values()) {
      for (String metric : List.of("a_over_b", "a_over_c")) {
        assertThat(csv)
            .anySatisfy(
                line ->
                    assertThat(line).startsWith("profiles," + profile + ",ratio," + metric + ","));
      }
      for (BenchmarkPath path : EnumSet.range(BenchmarkPath.LAKEBATCH, BenchmarkPath.SCORE_FRAME)) {
        assertThat(csv)
            .anySatisfy(
                line ->
                    assertThat(line)
                        .startsWith("profiles," + profile + "," + path.id() + ",rows_per_second,"));
      }
    }
    assertThat(csv)
        .anySatisfy(line -> assertThat(line).startsWith("skew,mlp,tiny-files,ratio_to_uniform,"));
    String json = Files.readString(workspace.resultsJson());
    assertThat(json)
        .contains("\"a_over_b\"", "\"a_over_c\"", "\"ratio_to_uniform\"", "\"estimated_skew\"");
    for (BenchmarkProfile profile : BenchmarkProfile.values()) {
      assertThat(json).contains("\"profile\" : \"" + profile + "\"");
    }

    SparkSession spark = SparkSession.active();
    Dataset<Row> scored =
        spark
            .read()
            .format("delta")
            .load(workspace.profile(BenchmarkProfile.ENCODER).lakeBatchOutput().toString());
    Row counts =
        scored
            .agg(functions.count("*"), functions.countDistinct("id"), functions.count("score"))
            .head();
    assertThat(counts.getLong(0)).isEqualTo(ROWS.get(BenchmarkProfile.ENCODER));
    assertThat(counts.getLong(1)).isEqualTo(ROWS.get(BenchmarkProfile.ENCODER));
    assertThat(counts.getLong(2)).isEqualTo(ROWS.get(BenchmarkProfile.ENCODER));
  }
}
