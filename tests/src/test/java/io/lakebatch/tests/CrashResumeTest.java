package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.LongStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts {@code lakebatch run} as a separate JVM, kills it with SIGKILL after some chunks have
 * committed, reruns the same spec and checks that no row is lost or written twice and that the
 * rerun skipped exactly the chunks committed before the kill.
 */
class CrashResumeTest {
  private static final long ROWS = 120_000;
  private static final long ROWS_PER_CHUNK = 15_000;
  private static final int FEATURES = 16;
  private static final long SLOW_TASK_MILLIS = 300;

  @TempDir static Path folder;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void killedDriverResumesWithoutLosingOrDuplicatingRows() throws Exception {
    Path model = folder.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP,
        ModelOptions.defaults().withFeatures(FEATURES).withHidden(128).withDepth(3),
        model);
    Path input = folder.resolve("input");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(8),
        input.toString());
    Path output = folder.resolve("output");
    Path specFile =
        JobSpecs.write(
            folder,
            "job.yaml",
            JobSpecs.mlp("crash-resume", model, input, "delta", output, ROWS_PER_CHUNK, FEATURES));

    // Chunks score in ~0.1 s; first task attempts sleep so the kill after 3 commits lands well
    // before the last.
    Process driver =
        CliDriver.withHome(TestCatalog.home())
            .jvmOption("-Xmx2g")
            .slowTasks(SLOW_TASK_MILLIS)
            .start(folder.resolve("driver.log"), "run", specFile.toString());
    int commitsSeen =
        CliDriver.waitForCommits(
            output, 3, driver, Duration.ofMinutes(3), folder.resolve("driver.log"));
    assertThat(CliDriver.kill(driver)).as("killed, not finished").isEqualTo(137);
    int committedBeforeRerun = CliDriver.commitFiles(output).size();
    assertThat(committedBeforeRerun)
        .isGreaterThanOrEqualTo(commitsSeen)
        .isLessThan((int) (ROWS / ROWS_PER_CHUNK) - 1);
    long rowsBeforeRerun = LocalSpark.count(spark, output.toString());

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    JobSpec spec = JobSpecParser.parse(specFile);
    InferenceJob job = E2eJobs.job(spark, new PrintStream(printed, true, StandardCharsets.UTF_8));
    PreparedRun prepared = job.prepare(spec);
    RunSummary summary = job.run(prepared);

    int chunks = prepared.plan().chunks().size();
    long rowsOfCommittedChunks =
        prepared.plan().chunks().subList(0, committedBeforeRerun).stream()
            .mapToLong(c -> c.rows())
            .sum();
    assertThat(rowsBeforeRerun)
        .as("chunks commit whole, in order")
        .isEqualTo(rowsOfCommittedChunks);
    assertThat(chunks).isGreaterThanOrEqualTo((int) (ROWS / ROWS_PER_CHUNK));
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.chunksSkipped()).isEqualTo(committedBeforeRerun);
    assertThat(summary.chunksRun()).isEqualTo(chunks - committedBeforeRerun);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains(
            "resuming run "
                + prepared.runId()
                + ": "
                + committedBeforeRerun
                + " of "
                + chunks
                + " chunks already committed");

    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(ROWS);
    assertThat(LocalSpark.distinctIds(spark, output.toString())).isEqualTo(ROWS);

    // The run store saw the killed attempt and the resume, and its ledger agrees with the Delta
    // log.
    var runs = TestCatalog.shared().runs();
    var record = runs.get(prepared.runId());
    assertThat(record.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(record.attempts()).isEqualTo(2);
    assertThat(runs.history(prepared.runId()))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("RUNNING -> QUEUED")
                    .contains("is gone (process")
                    .contains("resuming"));
    var versionToChunk =
        io.lakebatch.jobs.Lineage.of(spark, output.toString(), TestCatalog.shared()).stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    e -> e.version(), e -> e.run().orElseThrow().chunk()));
    assertThat(runs.chunks(prepared.runId()))
        .hasSize(chunks)
        .allSatisfy(
            chunk -> {
              assertThat(chunk.state()).isEqualTo(io.lakebatch.catalog.store.ChunkState.COMMITTED);
              assertThat(versionToChunk.get(chunk.deltaVersion().orElseThrow()))
                  .isEqualTo(chunk.chunk());
            });
    assertThat(LocalSpark.ids(spark, output.toString()))
        .isEqualTo(LongStream.range(0, ROWS).boxed().toList());
  }
}
