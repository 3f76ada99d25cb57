package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunListener;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.submit.cluster.StandaloneCluster;
import io.lakebatch.udf.FaultInjection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker and its executor are SIGKILLed while a chunk's tasks run: Spark reruns the lost tasks on
 * the other worker, the job ends SUCCEEDED and every input row is committed exactly once (to the
 * output or the dead-letter table).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WorkerKillTest {
  private static final long ROWS = 40_000;
  private static final long ROWS_PER_CHUNK = 10_000;
  private static final long BAD_EVERY = 5_000;

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
  void killingAWorkerMidChunkLosesAndDuplicatesNothing() throws Exception {
    long start = System.nanoTime();
    Path model = ClusterJobs.mlp(folder);
    Path input = ClusterJobs.input(spark, folder, ROWS, 4, BAD_EVERY);
    System.out.println("model and input written by the cluster in " + ClusterJobs.since(start));
    JobSpec spec =
        ClusterJobs.spec(folder, "worker-kill", model, input, ROWS_PER_CHUNK, cluster.resources());
    Path output = Path.of(spec.output().path());
    List<String> removedExecutors = new CopyOnWriteArrayList<>();
    List<String> failedTasks = new CopyOnWriteArrayList<>();
    // counted from listener events: the status tracker's per-stage task counts are written at most
    // every
    // spark.ui.liveUpdatePeriod, so tasks that start together read as 0 active until the stage ends
    AtomicInteger runningTasks = new AtomicInteger();
    // The moment to kill: a chunk is committed (a run event) and a task has started after it.
    CountDownLatch chunkCommitted = new CountDownLatch(1);
    CountDownLatch laterTaskStarted = new CountDownLatch(1);
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskStart(SparkListenerTaskStart start) {
                runningTasks.incrementAndGet();
                if (chunkCommitted.getCount() == 0) {
                  laterTaskStarted.countDown();
                }
              }

              @Override
              public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
                removedExecutors.add(removed.executorId() + ": " + removed.reason());
              }

              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                runningTasks.decrementAndGet();
                if (!end.taskInfo().successful()) {
                  failedTasks.add(
                      "task "
                          + end.taskInfo().taskId()
                          + " on executor "
                          + end.taskInfo().executorId()
                          + ": "
                          + end.reason());
                }
              }
            });
    // the cluster's executors start with the application; wait for both so that tasks spread over
    // workers
    awaitExecutors(2, Duration.ofSeconds(60));

    // Chunks score in well under a second each; every first task attempt sleeps a little so that
    // the
    // kill lands while a later chunk's tasks run (no task fails: only the lost executor does).
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "600");
    InferenceJob job =
        ClusterJobs.job(spark, System.out)
            .withListeners(
                List.of(
                    new RunListener() {
                      @Override
                      public void chunkCommitted(RunEvent.ChunkCommitted event) {
                        chunkCommitted.countDown();
                      }
                    }));
    long preparing = System.nanoTime();
    PreparedRun prepared = job.prepare(spec);
    System.out.println("run prepared in " + ClusterJobs.since(preparing));
    int chunks = prepared.plan().chunks().size();
    long started = System.nanoTime();
    CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(() -> job.run(prepared));

    // at least one chunk committed, and tasks of a later chunk running right now
    assertThat(laterTaskStarted.await(2, TimeUnit.MINUTES))
        .as("a task started after the first chunk commit")
        .isTrue();
    int committed = ClusterJobs.commits(output);
    int activeTasks = runningTasks.get();
    assertThat(running).as("the job must still be running when the worker is killed").isNotDone();
    cluster.killWorker(0);
    double killedAt = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "killed worker 0 and its executor at %s, %.2f s into the run, %d of %d chunks committed"
            + " before, %d tasks running%n",
        Instant.now(), killedAt, committed, chunks, activeTasks);

    RunSummary summary = running.get(3, TimeUnit.MINUTES);
    System.out.println("run ended " + ClusterJobs.since(started) + " after it started");
    System.out.print(summary.render());
    System.out.println("executors removed: " + removedExecutors);
    System.out.println("failed task attempts: " + failedTasks);

    assertThat(committed).isLessThan(chunks);
    assertThat(cluster.workers().get(0).isAlive()).isFalse();
    assertThat(cluster.awaitAliveWorkers(1, Duration.ofSeconds(30))).isTrue();
    assertThat(cluster.aliveWorkers()).isEqualTo(1);
    assertThat(removedExecutors).hasSize(1);

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.chunksRun()).isEqualTo(chunks);
    assertThat(summary.failedChunks()).isEmpty();
    long bad =
        LongStream.range(0, ROWS)
            .filter(
                SyntheticTableOptions.of(ROWS, 1, TableFormat.DELTA).withBadEvery(BAD_EVERY)::isBad)
            .count();
    ClusterJobs.IdCounts ids =
        ClusterJobs.idCounts(spark, output.toString(), spec.output().deadLetterPath());
    System.out.println("output: " + ids);
    io.lakebatch.tests.faults.FaultSummary.record(
        "cluster: worker killed mid-chunk",
        String.format(
            "SIGKILL of worker 0 and its executor %.1f s into the run (%d of %d chunks committed, %d tasks running);"
                + " %d executor lost, %d failed task attempts",
            killedAt, committed, chunks, activeTasks, removedExecutors.size(), failedTasks.size()),
        ROWS,
        ids.outputRows(),
        ids.deadLetterRows(),
        ids.allIds() - ids.distinctIds(),
        ROWS - ids.distinctIds());
    assertThat(ids.outputRows()).isEqualTo(ROWS - bad).isEqualTo(summary.rowsOut());
    assertThat(ids.deadLetterRows()).isEqualTo(bad).isEqualTo(summary.deadLetterRows());
    assertThat(ids.scoresMissing()).isZero();
    assertThat(ids.everyIdOnce(ROWS))
        .as("every input id exactly once in output or dead-letter")
        .isTrue();
    assertThat(ClusterJobs.commits(output)).as("one output commit per chunk").isEqualTo(chunks);
  }

  private static void awaitExecutors(int executors, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // getExecutorInfos lists the driver too
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
      assertThat(System.nanoTime())
          .as("%d executors registered in time", executors)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
