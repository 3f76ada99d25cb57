package io.lakebatch.tests;

import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of bad image rows in one task, with Spark's default result and message limits: their
 * dead letters are written by the task itself, so the run is not bounded by what the driver can
 * receive.
 */
class LargeDeadLettersEndToEndTest {
  private static final int SIDE = 64;
  private static final int PIXELS = 3 * SIDE * SIDE;

  /** Rows of the file holding the bad rows: every sixth is good. */
  private static final long MIXED_ROWS = 6_000;

  private static final long GOOD_ONLY_ROWS = 1_000;
  private static final long BAD_ROWS = 5_000;

  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static boolean isBad(long id) {
    return id < MIXED_ROWS && id % 6 != 0;
  }

  /**
   * Normalized pixels (about 12 characters each as raw values, ~150 KB per rejected row); a bad row
   * has a NaN (odd ids) or one pixel too few (even ids).
   */
  private static Dataset<Row> images(long from, long to) {
    String pixel = "cast(((id * 7919 + i * 104729) % 1000) / 397.0 - 1.25 as float)";
    return spark
        .range(from, to, 1, 1)
        .withColumn(
            "image",
            expr(
                """
        CASE WHEN id >= %d OR id %% 6 = 0 THEN transform(sequence(0, %d), i -> %s)
             WHEN id %% 2 = 1 THEN transform(sequence(0, %d), i -> IF(i = 4242, float('NaN'), %s))
             ELSE transform(sequence(0, %d), i -> %s) END"""
                    .formatted(
                        MIXED_ROWS, PIXELS - 1, pixel, PIXELS - 1, pixel, PIXELS - 2, pixel)));
  }

  @Test
  void fiveThousandBadImageRowsInOneTaskAllReachTheDeadLetterTable() throws Exception {
    Path dir = tmp.resolve("large-dead-letters");
    Path model = dir.resolve("conv.onnx");
    ModelGenerator.write(
        ModelKind.CONV, ModelOptions.defaults().withImageSize(SIDE).withClasses(4), model);
    Path input = dir.resolve("in");
    // One row group per file, so the planner cannot split the bad rows over several tasks; no
    // compression, so reading the ~5 MB pages back is not slowed by parquet-java's snappy input
    // buffer.
    for (long[] range : new long[][] {{0, MIXED_ROWS}, {MIXED_ROWS, MIXED_ROWS + GOOD_ONLY_ROWS}}) {
      images(range[0], range[1])
          .write()
          .mode(SaveMode.Append)
          .option("compression", "none")
          .option("parquet.block.size", 1L << 30)
          .parquet(input.toString());
    }
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            """
        name: large-dead-letters
        model:
          path: %s
          inputs:
            image: {column: image, shape: [3, %d, %d]}
        input:
          format: parquet
          path: %s
          carry: [id]
        output:
          path: %s
        execution:
          batch-size: 64
          max-bad-row-fraction: 0.9
          retries: {task: 1, chunk: 0}
        resources:
          master: local[2]
        """
                .formatted(model, SIDE, SIDE, input, output));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    Set<Long> all =
        LongStream.range(0, MIXED_ROWS + GOOD_ONLY_ROWS).boxed().collect(Collectors.toSet());
    Set<Long> planted =
        all.stream().filter(LargeDeadLettersEndToEndTest::isBad).collect(Collectors.toSet());
    Set<Long> good = all.stream().filter(id -> !isBad(id)).collect(Collectors.toSet());
    assertThat(planted).hasSize((int) BAD_ROWS);
    assertThat(summary.state()).as(summary.render()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.deadLetterRows()).isEqualTo(BAD_ROWS);
    assertThat(summary.rowsOut()).isEqualTo(good.size());

    String deadLetter = output + "_dead_letter";
    List<Row> letters =
        spark
            .read()
            .format("delta")
            .load(deadLetter)
            .select("id", "reason", "run_id")
            .collectAsList();
    assertThat(letters).hasSize((int) BAD_ROWS);
    Set<Long> deadIds =
        letters.stream().map(r -> r.getLong(0)).collect(Collectors.toCollection(TreeSet::new));
    assertThat(deadIds).isEqualTo(new TreeSet<>(planted));
    assertThat(letters)
        .allSatisfy(
            r -> {
              assertThat(r.getString(2)).isEqualTo(summary.runId());
              assertThat(r.getString(1))
                  .as("reason of id %d", r.getLong(0))
                  .contains(r.getLong(0) % 2 == 1 ? "NaN" : "has " + (PIXELS - 1) + " elements");
            });

    List<Long> out = LocalSpark.ids(spark, output.toString());
    assertThat(out).as("no id twice").doesNotHaveDuplicates();
    assertThat(new TreeSet<>(out)).isEqualTo(new TreeSet<>(good));
  }
}
