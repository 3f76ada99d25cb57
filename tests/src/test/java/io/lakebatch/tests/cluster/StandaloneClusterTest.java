package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.RuntimeJar;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.submit.cluster.StandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-worker standalone cluster with a plain Spark distribution's jars runs a real LakeBatch job
 * with this JVM as its driver: executors load LakeBatch only from the runtime jar the driver ships.
 */
class StandaloneClusterTest {
  private static final long ROWS = 12_000;
  private static final long BAD_EVERY = 1_000;

  @TempDir static Path folder;
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    cluster = ClusterJobs.startCluster(folder.resolve("cluster"), 2);
    long driverStart = System.nanoTime();
    spark = ClusterJobs.driver(cluster, 4);
    System.out.println("driver session started in " + ClusterJobs.since(driverStart));
  }

  @AfterAll
  static void stop() throws Exception {
    ClusterJobs.stop(spark, cluster);
  }

  @Test
  void twoWorkersRegisterAndTheStateFolderDescribesThem() throws Exception {
    assertThat(cluster.aliveWorkers()).isEqualTo(2);
    assertThat(cluster.workers()).hasSize(2).allMatch(ProcessHandle::isAlive);
    assertThat(cluster.masterUrl()).matches("spark://127\\.0\\.0\\.1:\\d+");
    Path dir = cluster.dir();
    assertThat(Files.readString(dir.resolve("cluster.json"))).contains(cluster.masterUrl());
    assertThat(Files.readString(dir.resolve("master.log"))).contains("I have been elected leader");
    assertThat(dir.resolve("worker-0.log")).exists();
    assertThat(dir.resolve("worker-1.log")).exists();
    // executors run with a plain Spark distribution's jars: nothing of LakeBatch, nothing
    // driver-only
    List<String> jars = new ArrayList<>();
    try (var links = Files.list(dir.resolve("spark-home/jars"))) {
      links.forEach(link -> jars.add(link.getFileName().toString()));
    }
    assertThat(jars)
        .anyMatch(name -> name.startsWith("spark-core_2.12-"))
        .anyMatch(name -> name.startsWith("spark-sql_2.12-"))
        .noneMatch(name -> name.startsWith("lakebatch-"))
        .noneMatch(name -> name.startsWith("delta-"))
        .noneMatch(name -> name.startsWith("onnxruntime"))
        .noneMatch(
            name ->
                name.startsWith("h2-")
                    || name.startsWith("postgresql-")
                    || name.startsWith("flyway-"))
        .noneMatch(name -> name.startsWith("tribuo-") || name.startsWith("picocli-"))
        .noneMatch(name -> name.startsWith("surefirebooter"));
    assertThat(cluster.driverConf())
        .as("drivers ship the runtime jar")
        .containsEntry("spark.jars", RuntimeJar.location().orElseThrow().toUri().toString());
    assertThat(StandaloneCluster.attach(dir))
        .get()
        .extracting(StandaloneCluster::masterUrl)
        .isEqualTo(cluster.masterUrl());
  }

  @Test
  void aLakeBatchJobRunsOnTheClusterWithTheTestJvmAsDriver() throws Exception {
    Path jobFolder = folder.resolve("job");
    long start = System.nanoTime();
    Path model = ClusterJobs.mlp(jobFolder);
    Path input = ClusterJobs.input(spark, jobFolder, ROWS, 3, BAD_EVERY);
    System.out.println("model and input written by the cluster in " + ClusterJobs.since(start));
    JobSpec spec =
        ClusterJobs.spec(jobFolder, "cluster-job", model, input, 4_000, cluster.resources());

    InferenceJob job = ClusterJobs.job(spark, System.out);
    long preparing = System.nanoTime();
    PreparedRun prepared = job.prepare(spec);
    System.out.println("run prepared in " + ClusterJobs.since(preparing));
    RunSummary summary = job.run(prepared);
    System.out.print(summary.render());

    assertThat(spark.sparkContext().master()).isEqualTo(cluster.masterUrl());
    // the driver plus one executor per worker
    assertThat(spark.sparkContext().statusTracker().getExecutorInfos()).hasSize(3);
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.chunksRun())
        .isEqualTo(prepared.plan().chunks().size())
        .isGreaterThanOrEqualTo(3);
    long bad =
        LongStream.range(0, ROWS)
            .filter(
                SyntheticTableOptions.of(ROWS, 1, TableFormat.DELTA).withBadEvery(BAD_EVERY)::isBad)
            .count();
    assertThat(bad).isPositive();
    assertThat(summary.deadLetterRows()).isEqualTo(bad);
    assertThat(summary.rowsOut()).isEqualTo(ROWS - bad);
    long checking = System.nanoTime();
    ClusterJobs.IdCounts ids =
        ClusterJobs.idCounts(spark, spec.output().path(), spec.output().deadLetterPath());
    System.out.println("output checked in " + ClusterJobs.since(checking) + ": " + ids);
    assertThat(ids.outputRows()).isEqualTo(ROWS - bad);
    assertThat(ids.deadLetterRows()).isEqualTo(bad);
    assertThat(ids.scoresMissing()).isZero();
    assertThat(ids.everyIdOnce(ROWS))
        .as("every input id exactly once in output or dead-letter")
        .isTrue();

    // each worker launched its executor with driverConf()'s options: module flags, tmpdir in the
    // state folder
    List<Path> executorLogs;
    try (var files =
        Files.find(
            cluster.dir().resolve("work"),
            4,
            (path, attributes) -> path.getFileName().toString().equals("stderr"))) {
      executorLogs = files.toList();
    }
    assertThat(executorLogs)
        .hasSize(2)
        .allSatisfy(
            log ->
                assertThat(Files.readString(log))
                    .contains("Spark Executor Command")
                    .contains("-Djava.io.tmpdir=" + cluster.dir().resolve("tmp"))
                    .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
                    .contains(cluster.dir().resolve("spark-home").resolve("jars") + "/*")
                    // LakeBatch reached the executors as the runtime jar alone
                    .containsPattern("Fetching spark://\\S+/jars/lakebatch-runtime-\\S+\\.jar"));
  }
}
