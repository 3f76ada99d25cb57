package io.lakebatch.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.tests.CliDriver;
import io.lakebatch.tests.LocalSpark;
import io.lakebatch.tests.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code lakebatch server} running an {@code isolated} job (its own Spark application, a child
 * process) is SIGKILLed mid-run. The child notices its server's end and stops at once, so nothing
 * writes beside the next server; the restarted server requeues the job once its lease lapses and a
 * new child resumes the run from the committed chunks: every row exactly once.
 */
class IsolatedServerCrashTest {
  private static final long ROWS = 60_000;
  private static final long ROWS_PER_CHUNK = 10_000;

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
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aKilledServersIsolatedJobStopsWithItAndTheNextServerResumesItWithEveryRowOnce()
      throws Exception {
    Path model = folder.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(FaultFixtures.FEATURES), model);
    Path input = folder.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FaultFixtures.FEATURES, TableFormat.DELTA).withFiles(6),
        input.toString());
    Path output = folder.resolve("out");
    String spec =
        FaultFixtures.spec(
            "isolated-crash",
            model,
            "delta",
            input,
            FaultFixtures.FEATURE_COLUMNS,
            output,
            "batch-size: 256\nrows-per-chunk: " + ROWS_PER_CHUNK + "\n");
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
              lease-timeout: 3s
              poll-interval: 200ms
              spark-conf:
                spark.lakebatch.faults.slow-task-rate: "1.0"
                spark.lakebatch.faults.slow-task-millis: "400"
            """);
    CliDriver driver = CliDriver.withHome(home).fastStart();

    String id;
    String admin;
    int committedAtKill;
    long childPid;
    try (ServerProcess first = ServerProcess.start(driver, folder.resolve("server-1.log"), config);
        Catalog catalog = Catalog.open(CatalogConfig.load(home, Map.of()))) {
      admin = first.adminToken();
      id = first.submit(spec, admin).get("id").asText();
      CliDriver.waitForCommits(output, 2, first.process(), Duration.ofMinutes(4), first.log());
      String runId = catalog.jobs().get(id).orElseThrow().runId().orElseThrow();
      childPid =
          RunOwner.parse(catalog.runs().find(runId).orElseThrow().owner().orElseThrow())
              .orElseThrow()
              .pid();
      ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
      assertThat(first.kill()).as("SIGKILLed").isEqualTo(137);
      // the child's own exit is the event: it watches its server's pid
      child.onExit().get(1, TimeUnit.MINUTES);
      committedAtKill = CliDriver.commitFiles(output).size();
      assertThat(committedAtKill).isLessThan((int) (ROWS / ROWS_PER_CHUNK));
    }

    try (ServerProcess second =
        ServerProcess.start(driver, folder.resolve("server-2.log"), config)) {
      JsonNode job = second.awaitEnd(id, admin);
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
      assertThat(job.get("attempts").asInt()).as("started by each server once").isEqualTo(2);
      long rowsOut = LocalSpark.count(spark, output.toString());
      long distinct = LocalSpark.distinctIds(spark, output.toString());
      FaultSummary.record(
          "server SIGKILLed while its isolated job runs; the child stops with it, the restarted"
              + " server resumes the job",
          "SIGKILL of `lakebatch server` (isolated mode, H2) after "
              + committedAtKill
              + " chunk commits",
          ROWS,
          rowsOut,
          0,
          rowsOut - distinct,
          ROWS - distinct);
      assertThat(rowsOut).isEqualTo(ROWS);
      assertThat(distinct).isEqualTo(ROWS);
    }
  }
}
