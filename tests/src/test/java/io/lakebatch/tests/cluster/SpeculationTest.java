package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.submit.cluster.ClusterOptions;
import io.lakebatch.submit.cluster.StandaloneCluster;
import io.lakebatch.tests.faults.FaultSummary;
import io.lakebatch.udf.FaultInjection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.spark.Success$;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Speculation on the standalone cluster: Spark never runs a speculative copy on the host of the
 * original attempt, so the two workers bind distinct loopback addresses (127.0.0.2 and 127.0.0.3,
 * {@link ClusterOptions#withDistinctWorkerHosts()}). The test-only fault hook makes some first
 * attempts sleep; their speculative copies (not slowed) run on the other worker and win, the
 * originals are killed, and every input row is still committed exactly once.
 */
class SpeculationTest {
  private static final long ROWS = 20_000;
  private static final long ROWS_PER_CHUNK = 10_000;
  private static final long ROWS_PER_TASK = 2_500;
  private static final int INPUT_FILES = 8;
  private static final long BAD_EVERY = 5_000;
  private static final long SLOW_MILLIS = 4_000;

  /**
   * Partition 0 of every stage is a straggler: certain, unlike a rate, in every multi-task stage.
   */
  private static final int SLOW_PARTITION = 0;

  private static final long SEED = Long.getLong("lakebatch.faults.seed", 7L);

  @TempDir static Path folder;
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    ClusterJobs.requireLakeBatchJars();
    long clusterStart = System.nanoTime();
    cluster =
        StandaloneCluster.start(
            folder.resolve("cluster"),
            ClusterOptions.defaults()
                .withWorkers(2)
                .withWorkerCores(2)
                .withDistinctWorkerHosts()
                .withStopOnJvmExit());
    System.out.printf(
        "cluster %s with workers on %s and %s started in %s%n",
        cluster.masterUrl(),
        cluster.workerHost(0),
        cluster.workerHost(1),
        ClusterJobs.since(clusterStart));
    long driverStart = System.nanoTime();
    spark = driver(cluster, 4);
    System.out.println("driver session started in " + ClusterJobs.since(driverStart));
  }

  @AfterAll
  static void stop() throws Exception {
    ClusterJobs.stop(spark, cluster);
  }

  /**
   * {@link ClusterJobs#driver} with speculation on and tuned to act within a short test; these keys
   * are read when the SparkContext starts, so they go in the builder's conf.
   */
  private static SparkSession driver(StandaloneCluster cluster, int taskAttempts) {
    Map<String, String> conf = ClusterJobs.driverConf(cluster);
    conf.put("spark.speculation.multiplier", "1.5");
    conf.put("spark.speculation.quantile", "0.5");
    conf.put("spark.speculation.interval", "100ms");
    conf.put("spark.speculation.minTaskRuntime", "100ms");
    return SparkSessionFactory.create(
        "lakebatch-speculation-tests", cluster.resources(), taskAttempts, true, conf);
  }

  @Test
  void slowTasksAreSpeculatedOnTheOtherWorkerAndNothingIsDuplicated() throws Exception {
    assertThat(cluster.workerHost(0)).isEqualTo("127.0.0.2");
    assertThat(cluster.workerHost(1)).isEqualTo("127.0.0.3");
    assertThat(spark.sparkContext().conf().get("spark.speculation")).isEqualTo("true");
    long start = System.nanoTime();
    Path model = ClusterJobs.mlp(folder);
    // one file per task: a task is made of whole files (splits), and a stage of one task is never
    // speculated
    Path input = ClusterJobs.input(spark, folder, ROWS, INPUT_FILES, BAD_EVERY);
    System.out.println("model and input written by the cluster in " + ClusterJobs.since(start));
    JobSpec spec =
        withRowsPerTask(
            ClusterJobs.spec(
                folder, "speculation", model, input, ROWS_PER_CHUNK, cluster.resources()),
            folder.resolve("speculation.yaml"));
    Path output = Path.of(spec.output().path());

    Set<String> executorHosts = ConcurrentHashMap.newKeySet();
    for (var info : spark.sparkContext().statusTracker().getExecutorInfos()) {
      executorHosts.add(info.host());
    }
    spark.conf().set(FaultInjection.PREFIX + "slow-partition", Integer.toString(SLOW_PARTITION));
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", Long.toString(SLOW_MILLIS));
    spark.conf().set(FaultInjection.PREFIX + "seed", Long.toString(SEED));
    InferenceJob job = ClusterJobs.job(spark, System.out);
    RunSummary summary;
    Events events = new Events();
    long started = System.nanoTime();
    try {
      PreparedRun prepared = job.prepare(spec);
      System.out.println(
          "planned: "
              + prepared.plan().chunks().size()
              + " chunks, "
              + prepared.plan().taskCount()
              + " tasks");
      assertThat(prepared.plan().taskCount()).as("tasks of the plan").isGreaterThanOrEqualTo(4);
      // from here on: the run's stages alone (planning's are left out, and may be speculated for
      // load alone)
      spark.sparkContext().addSparkListener(events);
      summary = job.run(prepared);
    } finally {
      for (String key : List.of("slow-partition", "slow-task-millis", "seed")) {
        spark.conf().unset(FaultInjection.PREFIX + key);
      }
    }
    double runSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("run ended %.1f s after it started%n", runSeconds);
    System.out.print(summary.render());
    for (var info : spark.sparkContext().statusTracker().getExecutorInfos()) {
      executorHosts.add(info.host());
    }
    // the listener bus is asynchronous: the counts below are complete only once it drained
    awaitQuiet(events);
    // the checks below run Spark jobs of their own, which may be speculated too: count the run's
    // alone
    spark.sparkContext().removeSparkListener(events);
    int speculative = events.speculative.get();
    int originalsKilled = events.originalsKilled.get();
    int slowedSpeculated = events.slowedSpeculated.size();
    System.out.println("executor hosts (and the driver's): " + executorHosts);
    System.out.println(
        "tasks started: "
            + events.started
            + ", speculative copies started: "
            + events.speculative
            + ", speculative copies succeeded: "
            + events.speculativeSucceeded
            + ", originals killed: "
            + events.originalsKilled
            + ", originals succeeded after a copy started: "
            + events.originalsSucceededLate
            + "; first attempts the hook slowed: "
            + events.slowedFirstAttempts
            + ", of which speculated: "
            + events.slowedSpeculated);
    events.ends.forEach(line -> System.out.println("  " + line));

    long bad =
        LongStream.range(0, ROWS)
            .filter(
                SyntheticTableOptions.of(ROWS, 1, TableFormat.DELTA).withBadEvery(BAD_EVERY)::isBad)
            .count();
    ClusterJobs.IdCounts ids =
        ClusterJobs.idCounts(spark, output.toString(), spec.output().deadLetterPath());
    System.out.println("output: " + ids);
    long duplicates = ids.allIds() - ids.distinctIds();
    long lost = ROWS - ids.distinctIds();
    FaultSummary.record(
        "cluster: slow tasks, speculation on, 2 hosts",
        "first attempts slowed "
            + SLOW_MILLIS
            + " ms in partition "
            + SLOW_PARTITION
            + " of every stage, spark.speculation=true on 2 workers at 127.0.0.2/.3; "
            + speculative
            + " speculative copies ("
            + slowedSpeculated
            + " of slowed tasks), "
            + originalsKilled
            + " originals killed",
        ROWS,
        ids.outputRows(),
        ids.deadLetterRows(),
        duplicates,
        lost);

    assertThat(executorHosts).contains("127.0.0.2", "127.0.0.3");
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.failedChunks()).isEmpty();
    assertThat(speculative).as("speculative task copies launched").isPositive();
    assertThat(slowedSpeculated)
        .as("speculative copies of tasks the fault hook slowed")
        .isPositive();
    assertThat(ids.outputRows()).isEqualTo(ROWS - bad).isEqualTo(summary.rowsOut());
    assertThat(ids.deadLetterRows()).isEqualTo(bad).isEqualTo(summary.deadLetterRows());
    assertThat(ids.scoresMissing()).isZero();
    assertThat(duplicates).as("duplicates").isZero();
    assertThat(lost).as("lost").isZero();
    assertThat(ids.everyIdOnce(ROWS))
        .as("every input id exactly once in output or dead-letter")
        .isTrue();
  }

  /**
   * The spec ClusterJobs writes, with {@code rows-per-task} so that each chunk has several tasks.
   */
  private static JobSpec withRowsPerTask(JobSpec written, Path file) throws Exception {
    String yaml = Files.readString(file);
    String withTasks =
        yaml.replace(
            "  rows-per-chunk: " + ROWS_PER_CHUNK + "\n",
            "  rows-per-chunk: " + ROWS_PER_CHUNK + "\n  rows-per-task: " + ROWS_PER_TASK + "\n");
    assertThat(withTasks).isNotEqualTo(yaml);
    Files.writeString(file, withTasks);
    return JobSpecParser.parse(file);
  }

  /**
   * Waits until no task event arrived for a moment (the listener bus delivers them asynchronously).
   */
  private static void awaitQuiet(Events events) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      int now = events.total.get();
      if (now == last) {
        return;
      }
      last = now;
      Thread.sleep(300);
    }
  }

  /**
   * Whether {@link FaultInjection} slows the first attempt of this task (its draws, in its order).
   */
  private static boolean hookSlows(int stage, int partition) {
    return partition == SLOW_PARTITION;
  }

  /** Task starts and ends, speculative copies and what became of the attempts they raced. */
  private static final class Events extends SparkListener {
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger speculative = new AtomicInteger();
    final AtomicInteger speculativeSucceeded = new AtomicInteger();
    final AtomicInteger originalsKilled = new AtomicInteger();
    final AtomicInteger originalsSucceededLate = new AtomicInteger();

    /** stage:partition of tasks that got a speculative copy. */
    private final Set<String> speculated = ConcurrentHashMap.newKeySet();

    final List<String> ends = new CopyOnWriteArrayList<>();

    /**
     * stage:partition of first attempts the hook slowed (that started a UDF), and those of them
     * speculated.
     */
    final Set<String> slowedFirstAttempts = ConcurrentHashMap.newKeySet();

    final Set<String> slowedSpeculated = ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      total.incrementAndGet();
      started.incrementAndGet();
      TaskInfo info = start.taskInfo();
      if (info.speculative()) {
        speculative.incrementAndGet();
        speculated.add(start.stageId() + ":" + info.index());
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      total.incrementAndGet();
      TaskInfo info = end.taskInfo();
      String task = end.stageId() + ":" + info.index();
      // a first attempt the hook slowed ran SLOW_MILLIS at least, unless a copy won and it was
      // killed
      boolean slowed =
          info.attemptNumber() == 0
              && hookSlows(end.stageId(), info.index())
              && (info.duration() >= SLOW_MILLIS || end.reason() instanceof TaskKilled);
      if (slowed) {
        slowedFirstAttempts.add(task);
      }
      boolean raced = speculated.contains(task);
      if (!raced) {
        return;
      }
      if (slowed) {
        slowedSpeculated.add(task);
      }
      boolean success = end.reason() == Success$.MODULE$;
      boolean killed = end.reason() instanceof TaskKilled;
      if (info.speculative()) {
        if (success) {
          speculativeSucceeded.incrementAndGet();
        }
      } else if (killed) {
        originalsKilled.incrementAndGet();
      } else if (success) {
        originalsSucceededLate.incrementAndGet();
      }
      String reason = end.reason().toString();
      ends.add(
          String.format(
              "stage %d partition %d attempt %d%s on %s (%s): %d ms, %s",
              end.stageId(),
              info.index(),
              info.attemptNumber(),
              info.speculative() ? " (speculative)" : "",
              info.executorId(),
              info.host(),
              info.duration(),
              reason.substring(0, Math.min(60, reason.length()))));
    }
  }
}
