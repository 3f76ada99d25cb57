package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunListener;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.tests.faults.FaultSummary;
import io.lakebatch.udf.FaultInjection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code output.mode: overwrite} replaces the table in one commit: readers never see a
 * half-replaced table, a cancelled run leaves the old table whole, and a run refuses to publish
 * over a table that another writer replaced while it was unfinished.
 */
class OverwriteAtomicityTest {
  private static final int FEATURES = 4;
  private static final long OLD_ROWS = 5_000;
  private static final long A_ROWS = 60_000;
  private static final long B_ROWS = 30_000;
  private static final long ROWS_PER_CHUNK = 10_000;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path model;

  @BeforeAll
  static void start() throws Exception {
    spark = LocalSpark.start();
    model = dir.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP,
        ModelOptions.defaults().withFeatures(FEATURES).withHidden(16).withDepth(1),
        model);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @AfterEach
  void fastTasks() {
    spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
    spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
  }

  private static Path input(String name, long rows) {
    Path path = dir.resolve(name);
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA).withFiles(6),
        path.toString());
    return path;
  }

  private static Path spec(String name, Path input, Path output) throws Exception {
    return JobSpecs.write(
        dir,
        name + ".yaml",
        """
        name: %s
        model:
          path: %s
          inputs:
            features: %s
        input:
          format: delta
          path: %s
          carry: [id]
        output:
          path: %s
          mode: overwrite
        execution:
          rows-per-chunk: %d
          batch-size: 512
        """
            .formatted(name, model, JobSpecs.featureList(FEATURES), input, output, ROWS_PER_CHUNK));
  }

  private static InferenceJob job() {
    return E2eJobs.job(spark, System.out);
  }

  /** What a reader sees: rows, distinct ids, largest id. */
  private static List<Long> observe(Path output) {
    Row row =
        spark
            .read()
            .format("delta")
            .load(output.toString())
            .selectExpr("count(*)", "count(distinct id)", "max(id)")
            .first();
    return List.of(row.getLong(0), row.getLong(1), row.getLong(2));
  }

  private static List<Long> whole(long rows) {
    return List.of(rows, rows, rows - 1);
  }

  private static void slowTasks() {
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "300");
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aCancelledRunKeepsTheOldTableAndRefusesToPublishOverAnotherWritersTable() throws Exception {
    Path output = dir.resolve("out-cancel");
    RunSummary old =
        job()
            .run(
                job()
                    .prepare(
                        JobSpecParser.parse(spec("ow-old", input("in-old", OLD_ROWS), output))));
    assertThat(old.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(observe(output)).isEqualTo(whole(OLD_ROWS));

    // Run A: cancelled once two of its six chunks are staged.
    Path specA = spec("ow-a", input("in-a", A_ROWS), output);
    slowTasks();
    RunStore runs = TestCatalog.shared().runs();
    AtomicReference<String> runA = new AtomicReference<>();
    // `lakebatch cancel` flags run A once its second chunk is staged, on the run's own thread (so
    // no chunk can start after the flag is set).
    RunListener cancelAfterTwoStaged =
        new RunListener() {
          @Override
          public void chunkStaged(RunEvent.ChunkStaged event) {
            if (event.progress().chunksDone() == 2) {
              runs.requestCancel(event.runId(), RunOwner.HEARTBEAT_TIMEOUT);
            }
          }
        };
    CompletableFuture<RunSummary> first =
        CompletableFuture.supplyAsync(
            () -> {
              InferenceJob job = job().withListeners(List.of(cancelAfterTwoStaged));
              PreparedRun prepared = job.prepare(JobSpecParser.parse(specA));
              runA.set(prepared.runId());
              return job.run(prepared);
            });
    RunSummary cancelled = first.get(3, TimeUnit.MINUTES);
    fastTasks();
    assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
    // the chunk already in flight beside the second (chunks-in-flight 2) still finishes and stages
    assertThat(cancelled.chunksRun())
        .isBetween(2, 1 + LakeBatchSettings.CHUNKS_IN_FLIGHT.defaultValue().orElseThrow());
    assertThat(observe(output))
        .as("a cancelled overwrite run leaves the old table whole")
        .isEqualTo(whole(OLD_ROWS));

    // Run B (another job) replaces the table to completion.
    RunSummary b =
        job().run(job().prepare(JobSpecParser.parse(spec("ow-b", input("in-b", B_ROWS), output))));
    assertThat(b.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(observe(output)).isEqualTo(whole(B_ROWS));

    // A resumed: refuses rather than publish its staged chunks over B's table.
    InferenceJob resume = job();
    PreparedRun again = resume.prepare(JobSpecParser.parse(specA));
    assertThat(again.runId()).isEqualTo(runA.get());
    LakeBatchException refused =
        catchThrowableOfType(LakeBatchException.class, () -> resume.run(again));
    assertThat(refused).isNotNull();
    assertThat(refused.category()).isEqualTo(ErrorCategory.CONFLICT);
    assertThat(refused.getMessage())
        .contains(runA.get())
        .contains("another writer changed it")
        .contains("--new-run");
    assertThat(observe(output)).as("B's table is untouched").isEqualTo(whole(B_ROWS));
    assertThat(runs.get(runA.get()).state()).isEqualTo(RunState.FAILED);
    FaultSummary.record(
        "overwrite: cancelled run A, run B replaced the table, A resumed",
        "A cancelled after "
            + cancelled.chunksRun()
            + " staged chunks: old table whole; B published; A refused"
            + " (CONFLICT, exit 7), B's table untouched",
        A_ROWS,
        B_ROWS,
        0,
        0,
        0);
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aReaderSeesTheOldTableOrTheNewOneNeverAMix() throws Exception {
    Path output = dir.resolve("out-reader");
    assertThat(
            job()
                .run(
                    job()
                        .prepare(
                            JobSpecParser.parse(
                                spec("ow-reader-old", input("in-reader-old", OLD_ROWS), output))))
                .state())
        .isEqualTo(RunState.SUCCEEDED);
    Path specNew = spec("ow-reader-new", input("in-reader-new", A_ROWS), output);
    slowTasks();
    // The run holds its first staged chunk until the reader has read the table once after it: a
    // read while chunks are staged is then certain, however fast the machine.
    CountDownLatch staged = new CountDownLatch(1);
    CountDownLatch readWhileStaged = new CountDownLatch(1);
    RunListener holdFirstStaged =
        new RunListener() {
          @Override
          public void chunkStaged(RunEvent.ChunkStaged event) {
            staged.countDown();
            try {
              readWhileStaged.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<RunSummary> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                InferenceJob job = job().withListeners(List.of(holdFirstStaged));
                return job.run(job.prepare(JobSpecParser.parse(specNew)));
              } finally {
                done.set(true);
              }
            });
    List<List<Long>> seen = new ArrayList<>();
    List<List<Long>> seenWhileStaged = new ArrayList<>();
    while (!done.get()) {
      boolean afterStaging = staged.getCount() == 0;
      List<Long> view = observe(output);
      seen.add(view);
      if (afterStaging && readWhileStaged.getCount() > 0) {
        seenWhileStaged.add(view);
        readWhileStaged.countDown();
      }
    }
    RunSummary summary = run.get(3, TimeUnit.MINUTES);
    seen.add(observe(output));
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.chunksRun()).isEqualTo((int) (A_ROWS / ROWS_PER_CHUNK));
    assertThat(seen)
        .as("every read during the run")
        .allSatisfy(view -> assertThat(view).isIn(whole(OLD_ROWS), whole(A_ROWS)));
    assertThat(seenWhileStaged)
        .as("the read made while a chunk was staged")
        .containsExactly(whole(OLD_ROWS));
    assertThat(seen.get(seen.size() - 1)).isEqualTo(whole(A_ROWS));
    FaultSummary.record(
        "overwrite: reader polling during the run",
        seen.size()
            + " reads: each saw the old "
            + OLD_ROWS
            + " ids or all "
            + A_ROWS
            + " new ids, never a mix",
        A_ROWS,
        A_ROWS,
        0,
        0,
        0);
  }
}
