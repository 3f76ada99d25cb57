package io.lakebatch.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
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
 * A {@code lakebatch server} SIGKILLed while it runs a job loses nothing: the job is in the
 * database's queue; a new server requeues it once the dead one's lease lapses, and its run resumes
 * from the committed chunks, ending SUCCEEDED with every row exactly once.
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
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
    // Not under the @TempDir: the embedded database stays open until the JVM exits. Opened here
    // first, so this JVM serves it to the servers it starts and kills.
    home =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "lakebatch-server-crash-home-" + java.util.UUID.randomUUID());
    catalog = Catalog.open(CatalogConfig.embedded(home));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aKilledServersJobIsRequeuedAndEndsWithEveryRowOnce() throws Exception {
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
            server:
              port: 0
              cores: 2
              master: local[2]
              lease-timeout: 3s
              poll-interval: 200ms
            """);
    CliDriver servers = CliDriver.withHome(home).fastStart();

    Path firstLog = folder.resolve("server-1.log");
    Process first = servers.slowTasks(400).start(firstLog, "server", "--config", config.toString());
    String url = await(firstLog, LISTENING, first);
    String admin = adminToken(firstLog, first);
    HttpResponse<String> submitted =
        HTTP.send(
            request(url + "/v1/jobs", admin)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(spec))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    String id = JSON.readTree(submitted.body()).get("id").asText();
    CliDriver.waitForCommits(output, 2, first, Duration.ofMinutes(3), firstLog);
    assertThat(CliDriver.kill(first)).as("SIGKILLed").isEqualTo(137);
    int committedAtKill = CliDriver.commitFiles(output).size();
    assertThat(committedAtKill).isLessThan((int) (ROWS / ROWS_PER_CHUNK));
    ServerJob orphan = catalog.jobs().get(id).orElseThrow();
    assertThat(orphan.state().name()).isEqualTo("RUNNING");

    Path secondLog = folder.resolve("server-2.log");
    Process second =
        CliDriver.withHome(home)
            .fastStart()
            .start(secondLog, "server", "--config", config.toString());
    try {
      String url2 = await(secondLog, LISTENING, second);
      // follow=true returns when the job has ended: the server's own event, no polling here
      HTTP.send(
          request(url2 + "/v1/jobs/" + id + "/logs?follow=true", admin).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode job =
          JSON.readTree(
              HTTP.send(
                      request(url2 + "/v1/jobs/" + id, admin).GET().build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
      assertThat(job.get("attempts").asInt()).as("started by each server once").isEqualTo(2);
      long rowsOut = LocalSpark.count(spark, output.toString());
      long distinct = LocalSpark.distinctIds(spark, output.toString());
      FaultSummary.record(
          "server SIGKILLed mid-run; a new server requeues and resumes it",
          "SIGKILL of `lakebatch server` after " + committedAtKill + " chunk commits",
          ROWS,
          rowsOut,
          0,
          rowsOut - distinct,
          ROWS - distinct);
      assertThat(rowsOut).isEqualTo(ROWS);
      assertThat(distinct).isEqualTo(ROWS);
    } finally {
      CliDriver.kill(second);
    }
  }

  private static HttpRequest.Builder request(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofMinutes(3))
        .header("Authorization", "Bearer " + token);
  }

  private static String adminToken(Path log, Process server) throws Exception {
    Matcher m = ADMIN.matcher(Files.readString(log));
    if (m.find()) {
      return m.group(1);
    }
    // a home whose catalog already had an admin: make one for this test
    return catalog.tokens().create("admin", true).secret();
  }

  private static String await(Path log, Pattern pattern, Process server) throws Exception {
    CliDriver.waitForOutput(log, "listening on", server, Duration.ofMinutes(2));
    Matcher m = pattern.matcher(Files.readString(log));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
