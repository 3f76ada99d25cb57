package io.lakebatch.submit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole benchmark on a small table: checks what it prints and writes, not how fast it is. */
class BenchmarkSmokeTest {
  private static final long ROWS = 30_000;

  @TempDir Path out;

  @AfterAll
  static void stopSpark() {
    // the benchmark owns the module's only SparkSession (getOrCreate); nothing else here needs it
    SparkSession.getActiveSession().foreach(session -> {
      session.stop();
      return null;
    });
  }

  @Test
  void scoresTheSameRowsThreeWaysAndReportsRatios() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BenchmarkReport report;
    try (PrintStream stream = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      report = new Benchmark(new BenchmarkOptions(ROWS, 2, out)).run(stream);
    }
    String text = printed.toString(StandardCharsets.UTF_8);

    assertThat(report.paths()).allSatisfy(timing -> {
      assertThat(timing.rows()).isEqualTo(ROWS);
      assertThat(timing.rowsPerSecond()).isPositive();
    });
    assertThat(report.lakeBatchOverRawOrt()).isPositive();
    assertThat(report.lakeBatchOverNaiveUdf()).isPositive();
    assertThat(text)
        .contains("benchmark: 30,000 rows, 32 float features, MLP 32-256x3-1, batch 1024, 2 cores")
        .contains("| (a) LakeBatch Delta -> Delta", "| (b) raw ONNX Runtime, Java loop", "| (c) naive per-row Spark UDF")
        .containsPattern("ratios: a/b = \\d+\\.\\d+, a/c = \\d+\\.\\d+");

    BenchmarkWorkspace workspace = new BenchmarkWorkspace(out);
    List<String> csv = Files.readAllLines(workspace.resultsCsv());
    assertThat(csv).hasSize(4);
    assertThat(csv.subList(1, 4)).extracting(line -> line.substring(0, line.indexOf(',')))
        .containsExactly("lakebatch", "raw_ort", "naive_udf");
    assertThat(Files.readString(workspace.resultsJson())).contains("\"a_over_b\"", "\"a_over_c\"");

    SparkSession spark = SparkSession.active();
    Dataset<Row> scored = spark.read().format("delta").load(workspace.lakeBatchOutput().toString());
    Row counts = scored.agg(functions.count("*"), functions.countDistinct("id"), functions.count("score")).head();
    assertThat(counts.getLong(0)).isEqualTo(ROWS);
    assertThat(counts.getLong(1)).isEqualTo(ROWS);
    assertThat(counts.getLong(2)).isEqualTo(ROWS);
  }
}
