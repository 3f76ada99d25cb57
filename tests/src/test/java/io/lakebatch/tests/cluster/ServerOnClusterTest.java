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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job server's scheduler on a real two-worker standalone cluster, in job granularity (a job
 * holds its cores from start to end; {@link ChunkSchedulingOnClusterTest} has the default chunk
 * granularity): its shared SparkSession is a driver on the cluster, every job asks for all of it. A
 * high-priority job preempts a running low one at a chunk boundary and the low one resumes with
 * every row once; a DAG of three runs in order and a failed upstream job ends its downstream job
 * UPSTREAM_FAILED.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ServerOnClusterTest {
  private static final long ROWS = 12_000;

  @TempDir static Path folder;
  private static StandaloneCluster cluster;
  private static SparkSession spark;
  private static Catalog catalog;
  private static LakeBatchServer server;
  private static ServerApi api;
  private static String token;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void start() {
    cluster = ClusterJobs.startCluster(folder.resolve("cluster"), 2);
    spark = ClusterJobs.serverDriver(cluster, "lakebatch-server-on-cluster");
    // not in the test's folder: the embedded database stays open until the JVM exits
    Path home =
        Path.of(
            System.getProperty("java.io.tmpdir"), "lakebatch-server-cluster-" + UUID.randomUUID());
    catalog = Catalog.open(CatalogConfig.embedded(home));
    model = ClusterJobs.mlp(folder);
    input = ClusterJobs.input(spark, folder, ROWS, 6, 0);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    server =
        LakeBatchServer.start(
            ServerConfig.defaults(catalog.config(), home)
                .withPort(0)
                .withLease(Duration.ofSeconds(5), Duration.ofMillis(200))
                .withScheduling(
                    ServerConfig.Scheduling.DEFAULTS.withGranularity(
                        ServerConfig.Scheduling.Granularity.JOB)),
            catalog,
            spark,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    Matcher admin =
        Pattern.compile("first admin token .*: (lbt_\\S+)")
            .matcher(printed.toString(StandardCharsets.UTF_8));
    assertThat(admin.find()).as(printed.toString(StandardCharsets.UTF_8)).isTrue();
    token = admin.group(1);
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

  /** A job on the cluster's whole capacity (more cores than it has: it runs alone). */
  private static String spec(String name, Path output, long rowsPerChunk, String extra) {
    return JobSpecs.mlp(
            name,
            model,
            "delta",
            input,
            JobSpecs.featureList(ClusterJobs.FEATURES),
            output,
            """
            batch-size: 256
            rows-per-chunk: %d
            """
                .formatted(rowsPerChunk),
            """
            master: %s
            executors: 2
            executor-cores: 16
            """
                .formatted(cluster.masterUrl()))
        + extra;
  }

  @Test
  void aHighPriorityJobPreemptsALowOneAtAChunkBoundaryAndTheLowOneResumesEveryRowOnce()
      throws Exception {
    Path lowOut = folder.resolve("low");
    Path highOut = folder.resolve("high");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "1500");
    String low;
    String high;
    Instant highSubmitted;
    try {
      low = submit(spec("low", lowOut, 2_000, "priority: low\n"));
      assertThat(api.awaitLogLine(low, token, Pattern.compile("chunk \\d+/6 committed")))
          .as("the low job's first commit")
          .isTrue();
      highSubmitted = Instant.now();
      high = submit(spec("high", highOut, 6_000, "priority: high\n"));
      api.awaitEnd(high, token);
    } finally {
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
    }
    JsonNode lowJob = api.awaitEnd(low, token);
    JsonNode highJob = api.job(high, token);

    assertThat(highJob.get("state").asText()).as(highJob.toString()).isEqualTo("SUCCEEDED");
    assertThat(lowJob.get("state").asText()).as(lowJob.toString()).isEqualTo("SUCCEEDED");
    assertThat(lowJob.get("preemptions").asInt()).isEqualTo(1);
    assertThat(ServerApi.instant(lowJob, "startedAt"))
        .isAfterOrEqualTo(ServerApi.instant(highJob, "endedAt"));
    assertThat(ClusterJobs.idsOnce(spark, lowOut))
        .as("the preempted job's rows, each once")
        .isEqualTo(ROWS);
    assertThat(ClusterJobs.idsOnce(spark, highOut)).isEqualTo(ROWS);
    System.out.printf(
        "cluster preemption: the high job started %d ms after its submission%n",
        Duration.between(highSubmitted, ServerApi.instant(highJob, "startedAt")).toMillis());
  }

  @Test
  void aDagRunsInOrderAndAFailedUpstreamJobEndsItsDownstreamJob() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String first = submit(spec("dag-a", folder.resolve("dag-a"), 6_000, ""));
    String second =
        submit(spec("dag-b", folder.resolve("dag-b"), 6_000, "depends-on: [" + first + "]\n"));
    String third =
        submit(spec("dag-c", folder.resolve("dag-c"), 6_000, "depends-on: [" + second + "]\n"));
    String broken =
        submit(
            spec("broken", folder.resolve("broken"), 6_000, "")
                .replace(model.toString(), folder.resolve("missing-" + run + ".onnx").toString()));
    String orphan =
        submit(spec("orphan", folder.resolve("orphan"), 6_000, "depends-on: [" + broken + "]\n"));

    JsonNode c = api.awaitEnd(third, token);
    JsonNode b = api.job(second, token);
    JsonNode a = api.job(first, token);
    JsonNode downstream = api.awaitEnd(orphan, token);

    for (JsonNode job : List.of(a, b, c)) {
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
    }
    assertThat(ServerApi.instant(b, "startedAt")).isAfterOrEqualTo(ServerApi.instant(a, "endedAt"));
    assertThat(ServerApi.instant(c, "startedAt")).isAfterOrEqualTo(ServerApi.instant(b, "endedAt"));
    for (String dag : List.of("dag-a", "dag-b", "dag-c")) {
      assertThat(ClusterJobs.idsOnce(spark, folder.resolve(dag))).as(dag).isEqualTo(ROWS);
    }
    assertThat(api.job(broken, token).get("state").asText()).isEqualTo("FAILED");
    assertThat(downstream.get("state").asText()).isEqualTo("UPSTREAM_FAILED");
    assertThat(downstream.get("message").asText()).contains(broken);
    assertThat(downstream.get("attempts").asInt()).isZero();
  }

  private static String submit(String spec) throws Exception {
    return api.submit(spec, token).get("id").asText();
  }
}
