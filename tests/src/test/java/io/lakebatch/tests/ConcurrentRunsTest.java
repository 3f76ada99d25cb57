package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunListener;
import io.lakebatch.api.RunOptions;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs at once in one JVM and one Spark session, through the public API: each runs on its own
 * thread in its own Spark job group, and each run's driver log holds its own lines, not the
 * other's.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConcurrentRunsTest {
  private static final int FEATURES = 4;
  private static final long ROWS = 6_000;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.start();
    model = dir.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    input = dir.resolve("input");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(4),
        input.toString());
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  @Test
  void overlappingRunsEachLogOnlyTheirOwnLinesAndRunInTheirOwnJobGroup() throws Exception {
    LakeBatch lakeBatch =
        LakeBatch.with(spark, TestCatalog.shared()).withRunFolders(dir.resolve("runs"));
    Path specA =
        JobSpecs.write(
            dir,
            "a.yaml",
            JobSpecs.mlp(
                "overlap-a", model, input, "delta", dir.resolve("out-a"), 1_500, FEATURES));
    Path specB =
        JobSpecs.write(
            dir,
            "b.yaml",
            JobSpecs.mlp(
                "overlap-b", model, input, "delta", dir.resolve("out-b"), 1_500, FEATURES));

    // A is held right after its first chunk, on its own thread, until B has committed a chunk: A's
    // driver log is open through B's preparation, registration and first chunk.
    CountDownLatch bCommitted = new CountDownLatch(1);
    RunListener holdA =
        new RunListener() {
          @Override
          public void chunkCommitted(RunEvent.ChunkCommitted event) {
            if (event.chunk() == 0) {
              try {
                assertThat(bCommitted.await(3, TimeUnit.MINUTES))
                    .as("B committed a chunk while A was held")
                    .isTrue();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    RecordingRunListener eventsA = new RecordingRunListener();
    RunHandle a =
        lakeBatch.run(
            JobSpecParser.parse(specA),
            RunOptions.defaults().withListener(eventsA).withListener(holdA));
    eventsA.await(RunEvent.ChunkCommitted.class, e -> e.chunk() == 0, 1, Duration.ofMinutes(2));
    RunListener releaseA =
        new RunListener() {
          @Override
          public void chunkCommitted(RunEvent.ChunkCommitted event) {
            bCommitted.countDown();
          }
        };
    RunHandle b =
        lakeBatch.run(JobSpecParser.parse(specB), RunOptions.defaults().withListener(releaseA));
    assertThat(a.isDone()).as("A is still under way while B runs").isFalse();

    RunSummary summaryA = a.await(Duration.ofMinutes(3)).orElseThrow();
    RunSummary summaryB = b.await(Duration.ofMinutes(3)).orElseThrow();
    assertThat(summaryA.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summaryB.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summaryA.rowsIn()).isEqualTo(ROWS);
    assertThat(summaryB.rowsIn()).isEqualTo(ROWS);
    assertThat(a.runId()).isNotEqualTo(b.runId());

    String logA = Files.readString(dir.resolve("runs").resolve(a.runId()).resolve("driver.log"));
    String logB = Files.readString(dir.resolve("runs").resolve(b.runId()).resolve("driver.log"));
    int chunksA = a.plan().chunks();
    int chunksB = b.plan().chunks();
    assertThat(logA)
        .contains("run " + a.runId() + ": " + chunksA + " chunks")
        .contains("chunk 1/" + chunksA + " committed")
        .contains("chunk " + chunksA + "/" + chunksA + " committed")
        .contains("run " + a.runId() + " ended SUCCEEDED")
        .doesNotContain(b.runId())
        .doesNotContain("overlap-b");
    assertThat(logB)
        .contains("run " + b.runId() + ": " + chunksB + " chunks")
        .contains("chunk " + chunksB + "/" + chunksB + " committed")
        .contains("run " + b.runId() + " ended SUCCEEDED")
        .doesNotContain(a.runId())
        .doesNotContain("overlap-a");
    assertThat(logA.lines().filter(l -> l.matches(".* chunk \\d+/\\d+ committed.*")).count())
        .as("A's chunk lines, none of B's")
        .isEqualTo(chunksA);
    assertThat(logB.lines().filter(l -> l.matches(".* chunk \\d+/\\d+ committed.*")).count())
        .as("B's chunk lines, none of A's")
        .isEqualTo(chunksB);

    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("lakebatch-" + a.runId()))
        .isNotEmpty();
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("lakebatch-" + b.runId()))
        .isNotEmpty();
  }
}
