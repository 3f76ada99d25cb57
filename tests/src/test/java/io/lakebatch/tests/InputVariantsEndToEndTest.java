package io.lakebatch.tests;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InferencePlan;
import io.lakebatch.planner.PlannedTask;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

/** The 8-feature MLP over inputs of different shapes and histories, and over existing outputs. */
class InputVariantsEndToEndTest {
  private static final int FEATURES = 8;

  private static SparkSession spark;
  private static Path model;

  @TempDir static Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start();
    model = tmp.resolve("mlp8.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static String mlp(String name, Path input, Path output, long rowsPerChunk) {
    return JobSpecs.mlp(name, model, input, "delta", output, rowsPerChunk, FEATURES);
  }

  /** Adds {@code line} (e.g. {@code version: 0}) to the spec's input section. */
  private static String withInput(String yaml, String line) {
    assertThat(yaml).contains("  carry: [id]\n");
    return yaml.replace("  carry: [id]\n", "  carry: [id]\n  " + line + "\n");
  }

  private static String withOutputMode(String yaml, Path output, String mode) {
    String path = "output:\n  path: " + output + "\n";
    assertThat(yaml).contains(path);
    return yaml.replace(path, path + "  mode: " + mode + "\n");
  }

  private static Dataset<Row> delta(Path path) {
    return spark.read().format("delta").load(path.toString());
  }

  private static List<Long> expectedIds(long rows, java.util.function.LongPredicate keep) {
    return LongStream.range(0, rows).filter(keep).boxed().toList();
  }

  @Test
  void pinnedVersionScoresExactlyThatVersion() throws Exception {
    Path dir = tmp.resolve("pinned");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(5_000, FEATURES, TableFormat.DELTA), input.toString());
    Path more = dir.resolve("more");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(3_000, FEATURES, TableFormat.DELTA), more.toString());
    delta(more)
        .withColumn("id", col("id").plus(5_000))
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(input.toString());
    assertThat(E2eJobs.deltaVersion(spark, input)).isEqualTo(1);

    Path pinnedOut = dir.resolve("out-v0");
    Path pinnedSpec =
        JobSpecs.write(
            dir, "v0.yaml", withInput(mlp("pinned-v0", input, pinnedOut, 10_000), "version: 0"));
    E2eJobs.Outcome pinned = E2eJobs.run(spark, pinnedSpec);
    assertThat(pinned.prepared().input().version()).isZero();
    assertThat(pinned.prepared().plan().totalRows()).isEqualTo(5_000);
    assertThat(pinned.summary().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(pinned.summary().rowsOut()).isEqualTo(5_000);
    assertThat(LocalSpark.ids(spark, pinnedOut.toString()))
        .isEqualTo(expectedIds(5_000, id -> true));

    Path latestOut = dir.resolve("out-latest");
    Path latestSpec =
        JobSpecs.write(dir, "latest.yaml", mlp("pinned-latest", input, latestOut, 10_000));
    E2eJobs.Outcome latest = E2eJobs.run(spark, latestSpec);
    assertThat(latest.prepared().input().version()).isEqualTo(1);
    assertThat(latest.summary().rowsOut()).isEqualTo(8_000);
    assertThat(LocalSpark.ids(spark, latestOut.toString()))
        .isEqualTo(expectedIds(8_000, id -> true));

    Path missingOut = dir.resolve("out-v7");
    Path missingSpec =
        JobSpecs.write(
            dir, "v7.yaml", withInput(mlp("pinned-v7", input, missingOut, 10_000), "version: 7"));
    LakeBatchException error =
        catchThrowableOfType(LakeBatchException.class, () -> E2eJobs.prepare(spark, missingSpec));
    assertThat(error).isNotNull();
    assertThat(error.category()).isEqualTo(ErrorCategory.USER);
    assertThat(error.getMessage()).contains("input.version");
    assertThat(missingOut).doesNotExist();
  }

  @Test
  void filterKeepsExactlyTheMatchingRows() throws Exception {
    Path dir = tmp.resolve("filter");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(4_000, FEATURES, TableFormat.DELTA), input.toString());
    Path output = dir.resolve("out");
    Path spec =
        JobSpecs.write(
            dir,
            "spec.yaml",
            withInput(mlp("filter-even", input, output, 10_000), "filter: \"id % 2 = 0\""));

    RunSummary summary = E2eJobs.run(spark, spec).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.rowsOut()).isEqualTo(2_000);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(2_000);
    assertThat(LocalSpark.ids(spark, output.toString()))
        .isEqualTo(expectedIds(4_000, id -> id % 2 == 0));
  }

  @Test
  void skewedInputIsSplitIntoBalancedTasks() throws Exception {
    Path dir = tmp.resolve("skew");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(20_000, FEATURES, TableFormat.DELTA)
            .withSkew(0.8)
            .withRowGroupBytes(64 * 1024),
        input.toString());
    Path output = dir.resolve("out");
    Path spec = JobSpecs.write(dir, "spec.yaml", mlp("skewed", input, output, 20_000));

    PreparedRun prepared = E2eJobs.prepare(spark, spec);
    InferencePlan plan = prepared.plan();
    System.out.print(prepared.describe());
    Map<String, Long> rowsByFile =
        plan.chunks().stream()
            .flatMap(c -> c.splits().stream())
            .collect(
                Collectors.groupingBy(FileSplit::path, Collectors.summingLong(FileSplit::rows)));
    String bigFile =
        rowsByFile.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertThat(rowsByFile.get(bigFile)).isEqualTo(16_000);
    long bigFileSplits =
        plan.chunks().stream()
            .flatMap(c -> c.splits().stream())
            .filter(s -> s.path().equals(bigFile))
            .count();
    assertThat(bigFileSplits).as("splits of the 16,000-row file").isGreaterThan(1);
    assertThat(plan.estimatedSkew()).isLessThan(1.3);
    assertThat(plan.totalRows()).isEqualTo(20_000);

    RunSummary summary = E2eJobs.job(spark, System.out).run(prepared);

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(20_000);
    assertThat(LocalSpark.distinctIds(spark, output.toString())).isEqualTo(20_000);
  }

  @Test
  void manyTinyFilesArePackedSeveralToATask() throws Exception {
    Path dir = tmp.resolve("tiny");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(4_000, FEATURES, TableFormat.DELTA).withFiles(40),
        input.toString());
    int files = delta(input).inputFiles().length;
    assertThat(files).isGreaterThanOrEqualTo(30);
    Path output = dir.resolve("out");
    Path spec = JobSpecs.write(dir, "spec.yaml", mlp("tiny-files", input, output, 4_000));

    E2eJobs.Outcome outcome = E2eJobs.run(spark, spec);

    InferencePlan plan = outcome.prepared().plan();
    assertThat(plan.fileCount()).isEqualTo(files);
    assertThat(plan.taskCount()).isLessThan(files);
    List<PlannedTask> tasks = plan.chunks().stream().flatMap(c -> c.tasks().stream()).toList();
    assertThat(tasks).allSatisfy(t -> assertThat(t.splits()).hasSizeGreaterThan(1));
    assertThat(outcome.summary().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(4_000);
    assertThat(LocalSpark.distinctIds(spark, output.toString())).isEqualTo(4_000);
  }

  @Test
  void overwriteReplacesRowsWrittenByAnotherSpec() throws Exception {
    Path dir = tmp.resolve("overwrite");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(3_000, FEATURES, TableFormat.DELTA), input.toString());
    Path output = dir.resolve("out");
    Path first = JobSpecs.write(dir, "a.yaml", mlp("a", input, output, 1_000));
    assertThat(E2eJobs.run(spark, first).summary().rowsOut()).isEqualTo(3_000);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(3_000);

    String b =
        withOutputMode(
            withInput(mlp("b", input, output, 400), "filter: \"id % 3 = 0\""), output, "overwrite");
    RunSummary summary = E2eJobs.run(spark, JobSpecs.write(dir, "b.yaml", b)).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.chunksRun())
        .as("b runs several chunks: the first overwrites, the rest append")
        .isGreaterThan(1);
    assertThat(LocalSpark.ids(spark, output.toString()))
        .isEqualTo(expectedIds(3_000, id -> id % 3 == 0));
    assertThat(delta(output).where("score is null").count()).isZero();
  }

  @Test
  void appendToAnOutputWithAnotherSchemaFailsBeforeWriting() throws Exception {
    Path dir = tmp.resolve("schema");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(1_000, FEATURES, TableFormat.DELTA), input.toString());
    Path output = dir.resolve("out");
    spark
        .range(10)
        .selectExpr("id", "cast(id as string) as label")
        .write()
        .format("delta")
        .save(output.toString());
    long versionBefore = E2eJobs.deltaVersion(spark, output);
    Path spec = JobSpecs.write(dir, "spec.yaml", mlp("schema-clash", input, output, 10_000));

    io.lakebatch.jobs.InferenceJob job = E2eJobs.job(spark, System.out);
    PreparedRun prepared = job.prepare(io.lakebatch.catalog.spec.JobSpecParser.parse(spec));
    LakeBatchException error =
        catchThrowableOfType(LakeBatchException.class, () -> job.run(prepared));

    assertThat(error).isNotNull();
    assertThat(error.category()).isEqualTo(ErrorCategory.USER);
    assertThat(error.getMessage()).contains("output.path");
    assertThat(E2eJobs.deltaVersion(spark, output)).isEqualTo(versionBefore);
    assertThat(delta(output).columns()).containsExactly("id", "label");
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(10);
    assertThat(Path.of(output + "_dead_letter")).doesNotExist();
  }

  @Test
  void rerunOfACompletedSpecSkipsEveryChunk() throws Exception {
    Path dir = tmp.resolve("rerun");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(3_000, FEATURES, TableFormat.DELTA), input.toString());
    Path output = dir.resolve("out");
    Path spec = JobSpecs.write(dir, "spec.yaml", mlp("rerun", input, output, 1_000));
    RunSummary first = E2eJobs.run(spark, spec).summary();
    assertThat(first.chunksTotal()).isGreaterThan(1);
    assertThat(first.chunksRun()).isEqualTo(first.chunksTotal());
    long version = E2eJobs.deltaVersion(spark, output);

    RunSummary again = E2eJobs.run(spark, spec).summary();

    assertThat(again.runId()).isEqualTo(first.runId());
    assertThat(again.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(again.chunksTotal()).isEqualTo(first.chunksTotal());
    assertThat(again.chunksSkipped()).isEqualTo(again.chunksTotal());
    assertThat(again.chunksRun()).isZero();
    assertThat(again.rowsOut()).isZero();
    assertThat(E2eJobs.deltaVersion(spark, output)).isEqualTo(version);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(3_000);
  }

  @Test
  void badRowsGoToTheDeadLetterTable() throws Exception {
    Path dir = tmp.resolve("dead");
    Path input = dir.resolve("in");
    SyntheticTableOptions options =
        SyntheticTableOptions.of(5_000, FEATURES, TableFormat.DELTA).withBadEvery(1_000);
    SyntheticTables.write(spark, options, input.toString());
    Path output = dir.resolve("out");
    Path spec = JobSpecs.write(dir, "spec.yaml", mlp("dead-letters", input, output, 2_000));

    E2eJobs.Outcome outcome = E2eJobs.run(spark, spec);

    List<Long> bad = expectedIds(5_000, options::isBad);
    assertThat(bad).hasSize(10);
    assertThat(outcome.summary().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(outcome.summary().deadLetterRows()).isEqualTo(bad.size());
    assertThat(outcome.summary().rowsOut()).isEqualTo(5_000 - bad.size());
    assertThat(LocalSpark.ids(spark, output.toString()))
        .isEqualTo(expectedIds(5_000, id -> !options.isBad(id)));

    Path deadLetter = Path.of(output + "_dead_letter");
    assertThat(LocalSpark.ids(spark, deadLetter.toString())).isEqualTo(bad);
    List<Row> rows = delta(deadLetter).select("id", "reason", "run_id").collectAsList();
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.getString(1)).containsAnyOf("NaN", "null");
              assertThat(r.getString(2)).isEqualTo(outcome.prepared().runId());
            });
    assertThat(rows)
        .filteredOn(r -> r.getLong(0) % 1_000 == 7)
        .allSatisfy(r -> assertThat(r.getString(1)).contains("NaN"));
    assertThat(rows)
        .filteredOn(r -> r.getLong(0) % 1_000 == 3)
        .allSatisfy(r -> assertThat(r.getString(1)).contains("null"));
  }
}
