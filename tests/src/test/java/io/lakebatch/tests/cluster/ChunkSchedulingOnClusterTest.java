package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.server.LakeBatchServer;
import io.lakebatch.server.ServerConfig;
import io.lakebatch.submit.cluster.StandaloneCluster;
import io.lakebatch.tests.JobSpecs;
import io.lakebatch.tests.ServerApi;
import io.lakebatch.udf.FaultInjection;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * The job server's default chunk granularity on a real standalone cluster of three one-core workers
 * (the server's session a driver on it, capacity 3 cores): two tenants of weights 2 and 1, both
 * busy, get about 2:1 of the chunk-seconds; a high-priority job submitted while a long low one runs
 * gets the cores at the low job's next chunk boundary, and the low one goes on afterwards, never
 * stopped or requeued, with every row once.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChunkSchedulingOnClusterTest {
  private static final long ROWS = 12_000;

  @TempDir static Path folder;
  private static StandaloneCluster cluster;
  private static SparkSession spark;
  private static Catalog catalog;
  private static LakeBatchServer server;
  private static ServerApi api;
  private static Path model;
  private static Path input;
  private static final ChunkSeconds chunkSeconds = new ChunkSeconds();

  /**
   * Each chunk's task time on the executors, by its Spark job tag: [launch, finish] of every task
   * of every Spark job the chunk ran.
   */
  private static final class ChunkSeconds extends SparkListener {
    final Map<Integer, String> tagOfStage = new ConcurrentHashMap<>();
    final Map<String, List<long[]>> tasksOfTag = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      for (String tag : start.properties().getProperty("spark.job.tags", "").split(",")) {
        if (tag.contains("-chunk-")) {
          for (Object stage : JavaConverters.seqAsJavaList(start.stageIds())) {
            tagOfStage.put((Integer) stage, tag);
          }
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      String tag = tagOfStage.get(end.stageId());
      if (tag != null) {
        tasksOfTag
            .computeIfAbsent(tag, t -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add(new long[] {end.taskInfo().launchTime(), end.taskInfo().finishTime()});
      }
    }

    /** The task spans of run {@code runId}'s chunks, and how many chunks ran tasks. */
    List<long[]> ofRun(String runId) {
      return tasksOfTag.entrySet().stream()
          .filter(e -> e.getKey().startsWith("lakebatch-" + runId + "-chunk-"))
          .flatMap(e -> e.getValue().stream())
          .toList();
    }

    long chunksOf(String runId) {
      return tasksOfTag.keySet().stream()
          .filter(t -> t.startsWith("lakebatch-" + runId + "-chunk-"))
          .count();
    }
  }

  @BeforeAll
  static void start() {
    cluster = ClusterJobs.startCluster(folder.resolve("cluster"), 3);
    spark = ClusterJobs.serverDriver(cluster, "lakebatch-chunks-on-cluster");
    spark.sparkContext().addSparkListener(chunkSeconds);
    Path home =
        Path.of(
            System.getProperty("java.io.tmpdir"), "lakebatch-chunks-cluster-" + UUID.randomUUID());
    catalog = Catalog.open(CatalogConfig.embedded(home));
    model = ClusterJobs.mlp(folder);
    input = ClusterJobs.input(spark, folder, ROWS, 12, 0);
    server =
        LakeBatchServer.start(
            ServerConfig.defaults(catalog.config(), home)
                .withPort(0)
                .withCores(3)
                .withLease(Duration.ofSeconds(5), Duration.ofMillis(200))
                .withTenant("heavy", new ServerConfig.TenantPolicy(List.of(), 10_000, 2, 0, 1))
                .withTenant("light", new ServerConfig.TenantPolicy(List.of(), 10_000, 1, 0, 1)),
            catalog,
            spark,
            new PrintStream(OutputStream.nullOutputStream()));
    api = new ServerApi(server.url());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (catalog != null) {
      catalog.close();
    }
    ClusterJobs.stop(spark, cluster);
  }

  private static String spec(String name, Path output, int cores, String extra) {
    return JobSpecs.mlp(
            name,
            model,
            "delta",
            input,
            JobSpecs.featureList(ClusterJobs.FEATURES),
            output,
            """
            batch-size: 256
            rows-per-chunk: 1000
            """,
            """
            master: %s
            executors: 1
            executor-cores: %d
            """
                .formatted(cluster.masterUrl(), cores))
        + extra;
  }

  @Test
  void twoTenantsOfWeights2And1GetAbout2To1OfTheChunkSecondsWhileBothAreBusy() throws Exception {
    String heavyToken = catalog.tokens().create("heavy", false).secret();
    String lightToken = catalog.tokens().create("light", false).secret();
    Path heavyOut = folder.resolve("heavy");
    Path lightOut = folder.resolve("light");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "4000");
    JsonNode heavy;
    JsonNode light;
    try {
      // one core per chunk, 12 chunks each: both tenants want more than the 3 cores all along
      String heavyId =
          api.submit(spec("weighted-heavy", heavyOut, 1, ""), heavyToken).get("id").asText();
      String lightId =
          api.submit(spec("weighted-light", lightOut, 1, ""), lightToken).get("id").asText();
      heavy = api.awaitEnd(heavyId, heavyToken);
      light = api.awaitEnd(lightId, lightToken);
    } finally {
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
    }
    assertThat(heavy.get("state").asText()).as(heavy.toString()).isEqualTo("SUCCEEDED");
    assertThat(light.get("state").asText()).as(light.toString()).isEqualTo("SUCCEEDED");
    assertThat(ClusterJobs.idsOnce(spark, heavyOut)).isEqualTo(ROWS);
    assertThat(ClusterJobs.idsOnce(spark, lightOut)).isEqualTo(ROWS);

    List<long[]> heavySpans = chunkSeconds.ofRun(heavy.get("runId").asText());
    List<long[]> lightSpans = chunkSeconds.ofRun(light.get("runId").asText());
    assertThat(chunkSeconds.chunksOf(heavy.get("runId").asText())).isEqualTo(12);
    assertThat(chunkSeconds.chunksOf(light.get("runId").asText())).isEqualTo(12);
    // both busy, both with chunks waiting: from the later second task start (a run's first chunk
    // runs alone) to the earlier last task start (after it, that job asks for nothing more)
    long from = Math.max(secondStart(heavySpans), secondStart(lightSpans));
    long to = Math.min(lastStart(heavySpans), lastStart(lightSpans));
    assertThat(to).as("the two jobs overlapped").isGreaterThan(from);
    double heavySeconds = within(heavySpans, from, to) / 1e3;
    double lightSeconds = within(lightSpans, from, to) / 1e3;
    double ratio = heavySeconds / lightSeconds;
    System.out.printf(
        "weights 2:1 on 3 cores: %.1f s both busy; chunk task-seconds heavy %.1f, light %.1f, ratio"
            + " %.2f%n",
        (to - from) / 1e3, heavySeconds, lightSeconds, ratio);
    assertThat(ratio).as("about 2:1").isBetween(1.5, 2.7);
  }

  @Test
  void aHighJobGetsTheCoresAtTheLowJobsNextChunkBoundaryAndTheLowOneGoesOnEveryRowOnce()
      throws Exception {
    String token = catalog.tokens().create("heavy", false).secret();
    Path lowOut = folder.resolve("low");
    Path highOut = folder.resolve("high");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "1000");
    String low;
    String high;
    Instant highSubmitted;
    try {
      // every chunk of either job asks for all 3 cores
      low = api.submit(spec("low", lowOut, 3, "priority: low\n"), token).get("id").asText();
      assertThat(api.awaitLogLine(low, token, Pattern.compile("chunk \\d+/12 committed")))
          .as("the low job's first commit")
          .isTrue();
      highSubmitted = Instant.now();
      high = api.submit(spec("high", highOut, 3, "priority: high\n"), token).get("id").asText();
      api.awaitEnd(high, token);
    } finally {
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
    }
    JsonNode lowJob = api.awaitEnd(low, token);
    JsonNode highJob = api.job(high, token);
    assertThat(highJob.get("state").asText()).as(highJob.toString()).isEqualTo("SUCCEEDED");
    assertThat(lowJob.get("state").asText()).as(lowJob.toString()).isEqualTo("SUCCEEDED");
    assertThat(lowJob.get("attempts").asInt()).as("never stopped nor requeued").isEqualTo(1);
    assertThat(ServerApi.instant(highJob, "endedAt"))
        .isBefore(ServerApi.instant(lowJob, "endedAt"));
    assertThat(ClusterJobs.idsOnce(spark, lowOut))
        .as("the low job's rows, each once")
        .isEqualTo(ROWS);
    assertThat(ClusterJobs.idsOnce(spark, highOut)).isEqualTo(ROWS);
    System.out.printf(
        "chunk granularity on the cluster: the high job started %d ms after its submission, ended"
            + " %d ms before the low one%n",
        Duration.between(highSubmitted, ServerApi.instant(highJob, "startedAt")).toMillis(),
        Duration.between(
                ServerApi.instant(highJob, "endedAt"), ServerApi.instant(lowJob, "endedAt"))
            .toMillis());
  }

  private static long secondStart(List<long[]> spans) {
    return spans.stream().mapToLong(s -> s[0]).sorted().skip(1).findFirst().orElseThrow();
  }

  private static long lastStart(List<long[]> spans) {
    return spans.stream().mapToLong(s -> s[0]).max().orElseThrow();
  }

  /** Milliseconds of {@code spans} inside [from, to]. */
  private static long within(List<long[]> spans, long from, long to) {
    return spans.stream()
        .mapToLong(s -> Math.max(0, Math.min(s[1], to) - Math.max(s[0], from)))
        .sum();
  }
}
