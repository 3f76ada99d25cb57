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
 * Two servers on one catalog dispatch from the same queue: every job is started by exactly one of
 * them (one claim wins), runs once and scores every row once, and either server answers for any
 * job.
 */
class TwoServersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JOBS = 8;
  private static final long ROWS = 1_000;

  @TempDir Path folder;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void eachJobRunsOnceWhicheverServerTookIt() throws Exception {
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
      try (LakeBatchServer a = LakeBatchServer.start(config, catalog, spark, quiet);
          LakeBatchServer b = LakeBatchServer.start(config, catalog, spark, quiet)) {
        String token = catalog.tokens().create("t", false).secret();
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
          LakeBatchServer to = i % 2 == 0 ? a : b;
          String spec =
              """
              name: twice-%d
              model: {path: %s, inputs: {features: [f0, f1]}}
              input: {path: %s, carry: [id]}
              output: {path: %s}
              resources: {executors: 1, executor-cores: 1}
              """
                  .formatted(i, model, input, folder.resolve("out-" + i));
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(URI.create(to.url() + "/v1/jobs"))
                      .header("Authorization", "Bearer " + token)
                      .POST(HttpRequest.BodyPublishers.ofString(spec))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
          ids.add(JSON.readTree(response.body()).get("id").asText());
        }
        for (int i = 0; i < JOBS; i++) {
          // the other server follows it: both read the same queue
          LakeBatchServer from = i % 2 == 0 ? b : a;
          http.send(
              HttpRequest.newBuilder(
                      URI.create(from.url() + "/v1/jobs/" + ids.get(i) + "/logs?follow=true"))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofMinutes(3))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
        }
        for (int i = 0; i < JOBS; i++) {
          ServerJob job = catalog.jobs().get(ids.get(i)).orElseThrow();
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
        // each job ended once, on one of the two: the servers' own counts of ended jobs
        assertThat(endedJobs(http, a) + endedJobs(http, b)).isEqualTo(JOBS);
      }
    } finally {
      spark.stop();
    }
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
