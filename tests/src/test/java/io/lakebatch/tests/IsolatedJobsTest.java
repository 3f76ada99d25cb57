package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code lakebatch server} whose default execution mode is {@code isolated}: each job runs as a
 * Spark application of its own (spark-submit of {@code lakebatch run}, a child process the server
 * supervises) on the embedded H2 catalog both processes share. One job ends SUCCEEDED with every
 * row once, its run recorded by the child, not the server; a second is cancelled after its first
 * commit and stops at a chunk boundary, its committed rows kept, once each.
 */
class IsolatedJobsTest {
  private static final long ROWS = 40_000;
  private static final long ROWS_PER_CHUNK = 10_000;
  private static final int FEATURES = 4;

  @TempDir static Path folder;
  private static SparkSession spark;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void start() throws Exception {
    spark = LocalSpark.start();
    model = folder.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    input = folder.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(4),
        input.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void isolatedJobsRunInTheirOwnApplicationAndStopAtAChunkBoundaryWhenCancelled() throws Exception {
    Path home = folder.resolve("home");
    Path config =
        Files.writeString(
            folder.resolve("lakebatch.yaml"),
            """
            server:
              port: 0
              cores: 1
              master: local[1]
              execution-mode: isolated
              isolated-cores: 4
              poll-interval: 200ms
              spark-conf:
                spark.lakebatch.faults.slow-task-rate: "1.0"
                spark.lakebatch.faults.slow-task-millis: "500"
            """);
    Path done = folder.resolve("out-done");
    Path cancelled = folder.resolve("out-cancelled");
    try (ServerProcess server =
        ServerProcess.start(
            CliDriver.withHome(home).fastStart(), folder.resolve("server.log"), config)) {
      String admin = server.adminToken();
      JsonNode first = server.submit(spec("isolated-done", done, ""), admin);
      JsonNode second =
          server.submit(spec("isolated-cancelled", cancelled, "execution-mode: isolated"), admin);
      assertThat(first.get("executionMode").asText()).isEqualTo("isolated");
      assertThat(second.get("executionMode").asText()).isEqualTo("isolated");
      String cancelledId = second.get("id").asText();

      CliDriver.waitForCommits(cancelled, 1, server.process(), Duration.ofMinutes(4), server.log());
      server.cancel(cancelledId, admin);
      JsonNode stopped = server.awaitEnd(cancelledId, admin);
      JsonNode succeeded = server.awaitEnd(first.get("id").asText(), admin);

      assertThat(succeeded.get("state").asText()).as(succeeded.toString()).isEqualTo("SUCCEEDED");
      assertThat(LocalSpark.count(spark, done.toString())).isEqualTo(ROWS);
      assertThat(LocalSpark.distinctIds(spark, done.toString())).isEqualTo(ROWS);
      assertThat(succeeded.path("progress").path("rowsDone").asLong()).isEqualTo(ROWS);

      assertThat(stopped.get("state").asText()).as(stopped.toString()).isEqualTo("CANCELLED");
      long kept = LocalSpark.count(spark, cancelled.toString());
      assertThat(LocalSpark.distinctIds(spark, cancelled.toString())).isEqualTo(kept);

      try (Catalog catalog = Catalog.open(CatalogConfig.load(home, Map.of()))) {
        List<ChunkRecord> ledger = catalog.runs().chunks(stopped.get("runId").asText());
        List<ChunkRecord> committed =
            ledger.stream().filter(c -> c.state() == ChunkState.COMMITTED).toList();
        assertThat(committed).as("stopped at a chunk boundary, before the end").isNotEmpty();
        assertThat(committed.size()).isLessThan(ledger.size());
        assertThat(kept)
            .as("whole chunks only: the output holds exactly the committed chunks' rows")
            .isEqualTo(committed.stream().mapToLong(c -> c.rowsOut().orElseThrow()).sum());

        String runId = succeeded.get("runId").asText();
        long driverPid =
            RunOwner.parse(catalog.runs().find(runId).orElseThrow().owner().orElseThrow())
                .orElseThrow()
                .pid();
        assertThat(driverPid)
            .as("the run's driver is the job's own application, not the server")
            .isNotEqualTo(server.process().pid());
      }
      assertThat(home.resolve("server-jobs").resolve(first.get("id").asText()))
          .isDirectoryContaining(p -> p.getFileName().toString().equals("attempt-1.out"));
    }
  }

  private static String spec(String name, Path output, String resources) {
    return JobSpecs.mlp(
        name,
        model,
        "delta",
        input,
        JobSpecs.featureList(FEATURES),
        output,
        "batch-size: 256\nrows-per-chunk: " + ROWS_PER_CHUNK + "\n",
        "master: local[1]\nexecutors: 1\nexecutor-cores: 1\n" + resources);
  }
}
