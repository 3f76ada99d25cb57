package io.lakebatch.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.PostgresServer;
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
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code lakebatch server}s on one PostgreSQL: the leader is SIGKILLed while it runs a job and
 * loses nothing. The job was submitted to the standby (the queue is the database); the standby
 * takes the leader lease over once it lapses, requeues the job, and its run resumes from the
 * committed chunks, ending SUCCEEDED with every row exactly once, never run by two servers at once.
 */
class ServerCrashTest {
  private static final long ROWS = 60_000;
  private static final long ROWS_PER_CHUNK = 10_000;

  @TempDir static Path folder;
  private static SparkSession spark;
  private static Path home;
  private static Catalog catalog;
  private static CatalogConfig database;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
    home = folder.resolve("home");
    PostgresServer postgres = PostgresServer.shared();
    database =
        new CatalogConfig(
            postgres.createDatabase("server_ha"), postgres.user(), postgres.password());
    catalog = Catalog.open(database);
  }

  @AfterAll
  static void stop() {
    catalog.close();
    spark.stop();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void theStandbyTakesOverAKilledLeadersJobWhichEndsWithEveryRowOnce() throws Exception {
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
            "server-crash",
            model,
            "delta",
            input,
            FaultFixtures.FEATURE_COLUMNS,
            output,
            "batch-size: 256\nrows-per-chunk: " + ROWS_PER_CHUNK + "\n");
    Path config =
        Files.writeString(
            folder.resolve("lakebatch.yaml"),
            """
            catalog: {url: "%s", user: "%s", password: "%s"}
            server:
              port: 0
              cores: 2
              master: local[2]
              lease-timeout: 3s
              poll-interval: 200ms
            """
                .formatted(database.url(), database.user(), database.password()));

    try (ServerProcess leader =
            ServerProcess.start(
                CliDriver.withHome(home).fastStart().slowTasks(400),
                folder.resolve("server-1.log"),
                config);
        ServerProcess standby =
            ServerProcess.start(
                CliDriver.withHome(home).fastStart(), folder.resolve("server-2.log"), config)) {
      String admin = leader.adminToken();
      assertThat(leader.readiness().get("role").asText()).isEqualTo("leader");
      assertThat(standby.readiness().get("role").asText()).isEqualTo("standby");
      String id = standby.submit(spec, admin).get("id").asText();
      CliDriver.waitForCommits(output, 2, leader.process(), Duration.ofMinutes(3), leader.log());
      assertThat(catalog.jobs().get(id).orElseThrow().owner().orElseThrow())
          .as("the leader runs it")
          .isEqualTo(leader.readiness().get("leader").asText());
      long killedAt = System.nanoTime();
      assertThat(leader.kill()).as("SIGKILLed").isEqualTo(137);
      int committedAtKill = CliDriver.commitFiles(output).size();
      assertThat(committedAtKill).isLessThan((int) (ROWS / ROWS_PER_CHUNK));
      assertThat(catalog.jobs().get(id).orElseThrow().state().name()).isEqualTo("RUNNING");

      // the standby logs the takeover; the log file is the event
      CliDriver.waitForOutput(
          standby.log(), "this server leads", standby.process(), Duration.ofMinutes(1));
      double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
      assertThat(standby.readiness().get("role").asText()).isEqualTo("leader");
      JsonNode job = standby.awaitEnd(id, admin);
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
      assertThat(job.get("attempts").asInt()).as("started by each server once").isEqualTo(2);
      long rowsOut = LocalSpark.count(spark, output.toString());
      long distinct = LocalSpark.distinctIds(spark, output.toString());
      FaultSummary.record(
          "leader server SIGKILLed mid-run; the standby takes over in %.1f s and resumes it"
              .formatted(takeoverSeconds),
          "SIGKILL of the leading `lakebatch server` (PostgreSQL, lease 3 s) after "
              + committedAtKill
              + " chunk commits",
          ROWS,
          rowsOut,
          0,
          rowsOut - distinct,
          ROWS - distinct);
      assertThat(rowsOut).isEqualTo(ROWS);
      assertThat(distinct).isEqualTo(ROWS);
      assertThat(takeoverSeconds).as("lease 3 s + a poll").isLessThan(30);
    }
  }
}
