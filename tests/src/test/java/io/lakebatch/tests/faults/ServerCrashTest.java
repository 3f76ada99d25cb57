package io.lakebatch.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Two {@code lakebatch server}s on one PostgreSQL: the leader is SIGKILLed while it runs a job and
 * loses nothing. The job was submitted to the standby (the queue is the database); the standby
 * takes the leader lease over once it lapses, requeues the job, and its run resumes from the
 * committed chunks, ending SUCCEEDED with every row exactly once, never run by two servers at once.
 */
class ServerCrashTest {
  private static final long ROWS = 60_000;
  private static final long ROWS_PER_CHUNK = 10_000;
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern ADMIN = Pattern.compile("first admin token .*: (lbt_\\S+)");

  @TempDir static Path folder;
  private static SparkSession spark;
  private static Path home;
  private static Catalog catalog;
  private static CatalogConfig database;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

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

    Path leaderLog = folder.resolve("server-1.log");
    Process leader =
        CliDriver.withHome(home)
            .fastStart()
            .slowTasks(400)
            .start(leaderLog, "server", "--config", config.toString());
    String leaderUrl = await(leaderLog, LISTENING, leader);
    String admin = adminToken(leaderLog);
    assertThat(readiness(leaderUrl).get("role").asText()).isEqualTo("leader");
    Path standbyLog = folder.resolve("server-2.log");
    Process standby =
        CliDriver.withHome(home)
            .fastStart()
            .start(standbyLog, "server", "--config", config.toString());
    try {
      String standbyUrl = await(standbyLog, LISTENING, standby);
      assertThat(readiness(standbyUrl).get("role").asText()).isEqualTo("standby");
      HttpResponse<String> submitted =
          HTTP.send(
              request(standbyUrl + "/v1/jobs", admin)
                  .header("Content-Type", "application/yaml")
                  .POST(HttpRequest.BodyPublishers.ofString(spec))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
      String id = JSON.readTree(submitted.body()).get("id").asText();
      CliDriver.waitForCommits(output, 2, leader, Duration.ofMinutes(3), leaderLog);
      assertThat(catalog.jobs().get(id).orElseThrow().owner().orElseThrow())
          .as("the leader runs it")
          .isEqualTo(readiness(leaderUrl).get("leader").asText());
      long killedAt = System.nanoTime();
      assertThat(CliDriver.kill(leader)).as("SIGKILLed").isEqualTo(137);
      int committedAtKill = CliDriver.commitFiles(output).size();
      assertThat(committedAtKill).isLessThan((int) (ROWS / ROWS_PER_CHUNK));
      assertThat(catalog.jobs().get(id).orElseThrow().state().name()).isEqualTo("RUNNING");

      // the standby logs the takeover; the log file is the event
      CliDriver.waitForOutput(standbyLog, "this server leads", standby, Duration.ofMinutes(1));
      double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
      assertThat(readiness(standbyUrl).get("role").asText()).isEqualTo("leader");
      // follow=true returns when the job has ended: the server's own event, no polling here
      HTTP.send(
          request(standbyUrl + "/v1/jobs/" + id + "/logs?follow=true", admin).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode job =
          JSON.readTree(
              HTTP.send(
                      request(standbyUrl + "/v1/jobs/" + id, admin).GET().build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
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
    } finally {
      CliDriver.kill(standby);
    }
  }

  private static JsonNode readiness(String url) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static HttpRequest.Builder request(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofMinutes(3))
        .header("Authorization", "Bearer " + token);
  }

  private static String adminToken(Path log) throws Exception {
    Matcher m = ADMIN.matcher(Files.readString(log));
    assertThat(m.find()).as("a new catalog's first server prints an admin token").isTrue();
    return m.group(1);
  }

  private static String await(Path log, Pattern pattern, Process server) throws Exception {
    CliDriver.waitForOutput(log, "listening on", server, Duration.ofMinutes(2));
    Matcher m = pattern.matcher(Files.readString(log));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
