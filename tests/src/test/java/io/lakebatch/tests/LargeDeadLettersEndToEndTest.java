package io.lakebatch.tests;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
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
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of bad image rows in one task, with Spark's default result and message limits: their
 * dead letters are written by the task itself, so the run is not bounded by what the driver can
 * receive. Their raw values alone outgrow Spark's default RPC message limit ({@value
 * #RPC_MESSAGE_MAX_BYTES} bytes), which the test checks.
 */
class LargeDeadLettersEndToEndTest {
  /**
   * 32×32: the bad rows' raw values (~170 MB) still outgrow the RPC limit, at a quarter of 64×64's
   * pixels to make, score and write.
   */
  private static final int SIDE = 32;

  private static final int PIXELS = 3 * SIDE * SIDE;

  /** The pixel of odd bad ids that is NaN. */
  private static final int NAN_PIXEL = 1234;

  /** Spark's default {@code spark.rpc.message.maxSize}, 128 MiB. */
  private static final long RPC_MESSAGE_MAX_BYTES = 128L << 20;

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
   * Normalized pixels (about 12 characters each as raw values, ~35 KB per rejected row); a bad row
   * has a NaN (odd ids) or one pixel too few (even ids).
   */
  private static float[] image(long id) {
    float[] pixels = new float[isBad(id) && id % 2 == 0 ? PIXELS - 1 : PIXELS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (((id * 7919 + i * 104729L) % 1000) / 397.0 - 1.25);
    }
    if (isBad(id) && id % 2 == 1) {
      pixels[NAN_PIXEL] = Float.NaN;
    }
    return pixels;
  }

  /**
   * Rows {@code [from, to)} with their {@link #image}s, made by a Java function: Spark evaluates
   * {@code transform(sequence(...), i -> ...)} without code generation, one interpreted lambda call
   * per pixel, which took minutes for 86M pixels.
   */
  private static Dataset<Row> images(long from, long to) {
    UserDefinedFunction image =
        udf(
            (UDF1<Long, float[]>) LargeDeadLettersEndToEndTest::image,
            DataTypes.createArrayType(DataTypes.FloatType, false));
    return spark.range(from, to, 1, 1).withColumn("image", image.apply(col("id")));
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
    long rawBytes =
        spark
            .read()
            .format("delta")
            .load(deadLetter)
            .selectExpr("sum(octet_length(raw_values))")
            .first()
            .getLong(0);
    assertThat(rawBytes)
        .as("bytes of the dead letters' raw values: more than one RPC message can carry")
        .isGreaterThan(RPC_MESSAGE_MAX_BYTES);
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
