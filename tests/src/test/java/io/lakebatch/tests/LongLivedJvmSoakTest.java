package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.udf.OrtSessionCache;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine in a long-lived JVM, as the job server will run it: 50 jobs, two at a time, on one
 * Spark session and one catalog. After the first 10 (warm-up: classes loaded, caches filled) the
 * JVM must stay flat: live heap, threads, open file descriptors and ONNX Runtime sessions do not
 * grow with the jobs.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LongLivedJvmSoakTest {
  private static final int JOBS = 50;
  private static final int WARM_UP_JOBS = 10;
  private static final int FEATURES = 4;
  private static final long ROWS = 4_000;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Catalog catalog;
  private static String model;
  private static String input;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.start();
    catalog = Catalog.open(CatalogConfig.embedded(dir.resolve("home")));
    model = dir.resolve("mlp.onnx").toString();
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), Path.of(model));
    input = dir.resolve("input").toString();
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(2), input);
  }

  @AfterAll
  static void tearDown() {
    catalog.close();
    spark.stop();
  }

  @Test
  void fiftyJobsTwoAtATimeLeaveHeapThreadsFilesAndSessionsFlat() throws Exception {
    LakeBatch lakeBatch = LakeBatch.with(spark, catalog).withRunFolders(dir.resolve("home/runs"));
    Footprint warm = null;
    for (int job = 0; job < JOBS; job += 2) {
      RunHandle first = lakeBatch.run(spec(job));
      RunHandle second = lakeBatch.run(spec(job + 1));
      for (RunHandle run : List.of(first, second)) {
        RunSummary summary = run.await();
        assertThat(summary.state()).as(run.runId()).isEqualTo(RunState.SUCCEEDED);
        assertThat(summary.rowsOut() + summary.deadLetterRows()).as(run.runId()).isEqualTo(ROWS);
      }
      if (job + 2 == WARM_UP_JOBS) {
        warm = Footprint.now();
        System.out.println("after " + WARM_UP_JOBS + " jobs: " + warm);
      }
    }
    Footprint end = Footprint.now();
    System.out.println("after " + JOBS + " jobs: " + end);

    assertThat(end.sessions())
        .as("ONNX Runtime sessions (one model)")
        .isEqualTo(warm.sessions())
        .isEqualTo(1);
    assertThat(end.threads()).as("live threads").isLessThanOrEqualTo(warm.threads() + 4);
    assertThat(end.openFiles())
        .as("open file descriptors")
        .isLessThanOrEqualTo(warm.openFiles() + 16);
    // 40 more jobs, each with two Delta tables, a run record, a ledger and a driver log: what is
    // kept
    // per job must stay small (Spark's and Delta's bounded caches), not grow with the jobs' data.
    assertThat(end.liveHeapMiB() - warm.liveHeapMiB())
        .as("live heap growth over 40 jobs, MiB")
        .isLessThan(96);
  }

  private static JobSpec spec(int job) {
    String[] features = IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toArray(String[]::new);
    return JobSpec.builder("soak-" + job)
        .modelPath(model)
        .modelInput("features", new InputBinding.ColumnList(List.of(features)))
        .input(TableFormat.DELTA, input)
        .carry("id")
        .output(dir.resolve("out-" + job).toString())
        .rowsPerChunk(1_000)
        .master("local[2]")
        .build();
  }

  /**
   * What the JVM holds: live heap after a full collection, threads, file descriptors, ORT sessions.
   */
  private record Footprint(long liveHeapMiB, int threads, long openFiles, int sessions) {
    static Footprint now() throws IOException {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      long files;
      try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
        files = fds.count();
      }
      return new Footprint(
          heap,
          ManagementFactory.getThreadMXBean().getThreadCount(),
          files,
          OrtSessionCache.shared().openSessions());
    }
  }
}
