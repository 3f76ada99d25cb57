package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one catalog: one leads (it starts every job, each exactly once), the other stands
 * by; both accept submissions and answer for any job. When the leader stops, the standby takes the
 * lease over and runs what is queued.
 */
class TwoServersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JOBS = 6;
  private static final long ROWS = 1_000;

  @TempDir Path folder;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theLeaderRunsEveryJobOnceAndTheStandbyTakesOverWhenItStops() throws Exception {
    SparkSession spark =
        SparkSessionFactory.create(
            "two-servers-test",
            new ResourceSpec("local[2]", 1, 2, "1g", 0),
            2,
            false,
            Map.of("spark.scheduler.mode", "FAIR"));
    Path home = folder.resolve("home");
    try (Catalog catalog = Catalog.open(CatalogConfig.embedded(home))) {
      Path model = folder.resolve("mlp.onnx");
      ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(2), model);
      Path input = folder.resolve("in");
      SyntheticTables.write(
          spark, SyntheticTableOptions.of(ROWS, 2, TableFormat.DELTA), input.toString());
      ServerConfig config =
          ServerConfig.defaults(catalog.config(), home)
              .withPort(0)
              .withLease(Duration.ofSeconds(30), Duration.ofMillis(100));
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      String token = catalog.tokens().create("t", false).secret();
      HttpClient http = HttpClient.newHttpClient();
      LakeBatchServer leader = LakeBatchServer.start(config, catalog, spark, quiet);
      try (LakeBatchServer standby = LakeBatchServer.start(config, catalog, spark, quiet)) {
        // a server's first tick runs as it starts: the first one leads
        assertThat(role(http, leader)).isEqualTo("leader");
        assertThat(role(http, standby)).isEqualTo("standby");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
          ids.add(submit(http, i % 2 == 0 ? leader : standby, token, spec(i, model, input)));
        }
        for (int i = 0; i < JOBS; i++) {
          // the other server follows it: both read the same queue
          follow(http, i % 2 == 0 ? standby : leader, token, ids.get(i));
        }
        for (int i = 0; i < JOBS; i++) {
          assertRanOnceWithEveryRow(catalog, spark, ids.get(i), i);
        }
        assertThat(endedJobs(http, leader)).as("the leader ran them all").isEqualTo(JOBS);
        assertThat(endedJobs(http, standby)).as("the standby started none").isZero();

        leader.close(); // gives up the lease: the standby takes over at its next tick
        String afterTakeover = submit(http, standby, token, spec(JOBS, model, input));
        follow(http, standby, token, afterTakeover);
        assertThat(role(http, standby)).isEqualTo("leader");
        assertRanOnceWithEveryRow(catalog, spark, afterTakeover, JOBS);
        assertThat(endedJobs(http, standby)).isEqualTo(1);
      } finally {
        leader.close();
      }
    } finally {
      spark.stop();
    }
  }

  private String spec(int i, Path model, Path input) {
    return """
        name: twice-%d
        model: {path: %s, inputs: {features: [f0, f1]}}
        input: {path: %s, carry: [id]}
        output: {path: %s}
        resources: {executors: 1, executor-cores: 1}
        """
        .formatted(i, model, input, folder.resolve("out-" + i));
  }

  private void assertRanOnceWithEveryRow(Catalog catalog, SparkSession spark, String id, int i) {
    ServerJob job = catalog.jobs().get(id).orElseThrow();
    assertThat(job.state()).as(job.toString()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.attempts()).as("started once: " + job).isEqualTo(1);
    List<Row> out =
        spark
            .read()
            .format("delta")
            .load(folder.resolve("out-" + i).toString())
            .select("id")
            .collectAsList();
    assertThat(out).hasSize((int) ROWS);
    assertThat(new HashSet<>(out)).hasSize((int) ROWS);
  }

  private static String submit(HttpClient http, LakeBatchServer to, String token, String spec)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(to.url() + "/v1/jobs"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(spec))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return JSON.readTree(response.body()).get("id").asText();
  }

  /** Returns when the job has ended: the server's log stream closes then. */
  private static void follow(HttpClient http, LakeBatchServer from, String token, String id)
      throws Exception {
    http.send(
        HttpRequest.newBuilder(URI.create(from.url() + "/v1/jobs/" + id + "/logs?follow=true"))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofMinutes(3))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private static String role(HttpClient http, LakeBatchServer server) throws Exception {
    return JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body())
        .get("role")
        .asText();
  }

  private static long endedJobs(HttpClient http, LakeBatchServer server) throws Exception {
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^lakebatch_jobs_ended_total\\{[^}]*\\} ([0-9.E+]+)$")
            .matcher(metrics);
    long ended = 0;
    while (m.find()) {
      ended += (long) Double.parseDouble(m.group(1));
    }
    return ended;
  }
}
