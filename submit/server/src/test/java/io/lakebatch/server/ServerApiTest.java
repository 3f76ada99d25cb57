package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.lakebatch.udf.FaultInjection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job server over real HTTP on loopback, on a real embedded catalog and a real SparkSession:
 * jobs submitted, run and scored exactly once; idempotent submission; cancel and retry without a
 * lost or doubled row; tenants isolated; hostile requests refused with problem+json naming the
 * field; the OpenAPI document matching the routes; metrics. Waits are on the server's own event:
 * {@code logs?follow=true} returns when the job has ended.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServerApiTest {
  private static final int FEATURES = 4;
  private static final long ROWS = 6_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path folder;
  private static SparkSession spark;
  private static Catalog catalog;
  private static LakeBatchServer server;
  private static HttpClient http;
  private static String admin;
  private static String alpha;
  private static String beta;
  private static Path alphaDir;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void start() {
    spark =
        SparkSessionFactory.create(
            "server-test",
            new ResourceSpec("local[2]", 1, 2, "1g", 0),
            2,
            false,
            Map.of("spark.scheduler.mode", "FAIR"));
    Path home = folder.resolve("home");
    catalog = Catalog.open(CatalogConfig.embedded(home));
    alphaDir = folder.resolve("alpha");
    model = alphaDir.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    input = alphaDir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(6),
        input.toString());
    ServerConfig config =
        ServerConfig.defaults(catalog.config(), home)
            .withPort(0)
            .withLease(Duration.ofSeconds(5), Duration.ofMillis(200))
            .withTenant(
                "alpha", new ServerConfig.TenantPolicy(List.of(alphaDir.toString()), 10_000))
            .withTenant("beta", new ServerConfig.TenantPolicy(List.of(), 10_000));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    server =
        LakeBatchServer.start(
            config, catalog, spark, new PrintStream(printed, true, StandardCharsets.UTF_8));
    Matcher token =
        Pattern.compile("first admin token .*: (lbt_\\S+)")
            .matcher(printed.toString(StandardCharsets.UTF_8));
    assertThat(token.find()).as("printed: %s", printed).isTrue();
    admin = token.group(1);
    alpha = catalog.tokens().create("alpha", false).secret();
    beta = catalog.tokens().create("beta", false).secret();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (catalog != null) {
      catalog.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void aSubmittedJobRunsToSuccessAndScoresEveryRowOnce() throws Exception {
    Path output = alphaDir.resolve("out-success");
    HttpResponse<String> submitted = post("/v1/jobs", spec("success", output, 2_000), alpha, null);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    String id = json(submitted).get("id").asText();
    assertThat(submitted.headers().firstValue("Location")).hasValue("/v1/jobs/" + id);

    String log = get("/v1/jobs/" + id + "/logs?follow=true", alpha).body();
    JsonNode job = json(get("/v1/jobs/" + id, alpha));

    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
    int chunks = job.at("/progress/chunksTotal").asInt();
    assertThat(chunks).as("6 files of 1,000 rows at 2,000 rows per chunk").isBetween(3, 6);
    assertThat(job.at("/progress/chunksDone").asInt()).isEqualTo(chunks);
    assertThat(job.at("/progress/rowsDone").asLong()).isEqualTo(ROWS);
    assertThat(log).contains("chunk " + chunks + "/" + chunks + " committed").contains("SUCCEEDED");
    assertThat(idsOnce(output)).as("ids in the output, each once").hasSize((int) ROWS);
    JsonNode ledger = json(get("/v1/jobs/" + id + "/chunks", alpha));
    assertThat(ledger.get("chunks")).hasSize(chunks);
    ledger.get("chunks").forEach(c -> assertThat(c.get("state").asText()).isEqualTo("COMMITTED"));

    String metrics = get("/metrics", null).body();
    assertThat(counter(metrics, "lakebatch_chunk_commits_total")).isGreaterThanOrEqualTo(3);
    assertThat(metrics)
        .contains("lakebatch_submit_to_start_seconds_bucket")
        .contains("jvm_threads_live");
  }

  @Test
  void theSameIdempotencyKeyGivesTheSameJobAndAnotherBodyIsAConflict() throws Exception {
    Path output = alphaDir.resolve("out-idempotent");
    String body = spec("idempotent", output, 6_000);
    String key = "airflow-" + UUID.randomUUID();
    HttpResponse<String> first = post("/v1/jobs", body, alpha, key);
    HttpResponse<String> again = post("/v1/jobs", body, alpha, key);
    HttpResponse<String> other = post("/v1/jobs", body.replace("6000", "3000"), alpha, key);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("id").asText()).isEqualTo(json(first).get("id").asText());
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(other.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(json(other).get("detail").asText()).contains(key);
    get("/v1/jobs/" + json(first).get("id").asText() + "/logs?follow=true", alpha);
    assertThat(idsOnce(output)).hasSize((int) ROWS);
  }

  @Test
  void aCancelledJobKeepsItsCommittedChunksAndARetryScoresOnlyTheRest() throws Exception {
    Path output = alphaDir.resolve("out-cancel");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "800");
    String id;
    try {
      id =
          json(post("/v1/jobs", spec("cancel-retry", output, 1_000), alpha, null))
              .get("id")
              .asText();
      // cancel once a chunk is committed: the run's own log line, streamed by the server
      HttpResponse<java.io.InputStream> follow =
          stream("/v1/jobs/" + id + "/logs?follow=true", alpha);
      Iterator<String> lines =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(follow.body(), StandardCharsets.UTF_8))
              .lines()
              .iterator();
      Pattern committedLine = Pattern.compile("chunk \\d+/6 committed");
      boolean seen = false;
      while (!seen && lines.hasNext()) {
        seen = committedLine.matcher(lines.next()).find();
      }
      assertThat(seen).as("a committed chunk in the followed log").isTrue();
      assertThat(delete("/v1/jobs/" + id, beta).statusCode())
          .as("another tenant's cancel")
          .isEqualTo(404);
      assertThat(delete("/v1/jobs/" + id, alpha).statusCode()).isEqualTo(202);
      while (lines.hasNext()) { // the stream ends when the job does
        lines.next();
      }
    } finally {
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
    }
    JsonNode cancelled = json(get("/v1/jobs/" + id, alpha));
    assertThat(cancelled.get("state").asText()).as(cancelled.toString()).isEqualTo("CANCELLED");
    int committed = cancelled.at("/progress/chunksDone").asInt();
    assertThat(committed).isBetween(1, 5);
    long committedRows = 0;
    for (JsonNode chunk : json(get("/v1/jobs/" + id + "/chunks", alpha)).get("chunks")) {
      if (chunk.get("state").asText().equals("COMMITTED")) {
        committedRows += chunk.get("rowsOut").asLong();
      }
    }
    assertThat(idsOnce(output)).as("the committed chunks' rows, once").hasSize((int) committedRows);

    HttpResponse<String> retried = post("/v1/jobs/" + id + "/retry", "", alpha, null);
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    get("/v1/jobs/" + id + "/logs?follow=true", alpha);
    JsonNode done = json(get("/v1/jobs/" + id, alpha));
    assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("attempts").asInt()).isEqualTo(2);
    assertThat(idsOnce(output)).as("every id once after the retry").hasSize((int) ROWS);
    assertThat(post("/v1/jobs/" + id + "/retry", "", alpha, null).statusCode())
        .as("a SUCCEEDED job is not retried")
        .isEqualTo(409);
  }

  @Test
  void tenantsSeeOnlyTheirOwnJobsAndTokensAreChecked() throws Exception {
    String id =
        json(post(
                "/v1/jobs", spec("isolated", alphaDir.resolve("out-isolated"), 6_000), alpha, null))
            .get("id")
            .asText();

    assertThat(get("/v1/jobs/" + id, beta).statusCode()).isEqualTo(404);
    assertThat(json(get("/v1/jobs?limit=500", beta)).get("jobs").toString()).doesNotContain(id);
    assertThat(json(get("/v1/jobs?limit=500", alpha)).get("jobs").toString()).contains(id);
    assertThat(get("/v1/jobs/" + id, admin).statusCode()).isEqualTo(200);
    assertThat(get("/v1/jobs", null).statusCode()).isEqualTo(401);
    assertThat(get("/v1/jobs", "lbt_not-a-token").statusCode()).isEqualTo(401);
    String revoked = catalog.tokens().create("beta", false).secret();
    String revokedId =
        catalog.tokens().list().stream()
            .filter(t -> t.tenant().equals("beta"))
            .reduce((a, b) -> b)
            .orElseThrow()
            .id();
    assertThat(get("/v1/queue", revoked).statusCode()).isEqualTo(200);
    assertThat(catalog.tokens().revoke(revokedId)).isTrue();
    assertThat(get("/v1/queue", revoked).statusCode()).isEqualTo(401);
    get("/v1/jobs/" + id + "/logs?follow=true", alpha);
  }

  @Test
  void hostileRequestsAreRefusedNamingTheField() throws Exception {
    String good = spec("hostile", alphaDir.resolve("out-hostile"), 6_000);
    HttpResponse<String> traversal =
        post(
            "/v1/jobs",
            good.replace(alphaDir + "/out-hostile", alphaDir + "/../escape/out"),
            alpha,
            null);
    assertThat(traversal.statusCode()).isEqualTo(400);
    assertThat(fields(traversal)).containsExactly("output.path", "output.dead-letter");

    assertThat(post("/v1/jobs", "x".repeat(2 << 20), alpha, null).statusCode()).isEqualTo(413);
    assertThat(fields(post("/v1/jobs", good + "colour: blue\n", alpha, null)))
        .containsExactly("colour");
    assertThat(
            fields(
                post("/v1/jobs", good.replace("batch-size: 256", "batch-size: lots"), alpha, null)))
        .containsExactly("execution.batch-size");
    assertThat(
            fields(
                post(
                    "/v1/jobs",
                    good.replace(
                        "rows-per-chunk: 6000", "rows-per-chunk: 100000000000000000000000000"),
                    alpha,
                    null)))
        .containsExactly("execution.rows-per-chunk");
    assertThat(get("/v1/jobs?limit=100000", alpha).statusCode()).isEqualTo(400);
    assertThat(get("/v1/jobs?state=SLEEPING", alpha).statusCode()).isEqualTo(400);
    assertThat(json(get("/v1/jobs?limit=500", alpha)).get("jobs").toString())
        .doesNotContain("hostile");
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheRoutesTheServerAnswers() throws Exception {
    JsonNode paths = json(get("/openapi.json", null)).get("paths");
    Set<String> documented = new HashSet<>();
    paths
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    Set<String> served = new HashSet<>();
    for (LakeBatchServer.Route route : server.routeTable()) {
      served.add(route.method().name() + " " + route.path());
    }
    assertThat(documented).isEqualTo(served);
    // and each route really answers (not Javalin's 404 for an unknown path)
    for (LakeBatchServer.Route route : server.routeTable()) {
      String path = route.path().replace("{id}", "job-0000000000000000");
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(server.url() + path))
              .header("Authorization", "Bearer " + admin);
      HttpRequest built =
          switch (route.method().name()) {
            case "POST" -> request.POST(HttpRequest.BodyPublishers.ofString("")).build();
            case "DELETE" -> request.DELETE().build();
            default -> request.GET().build();
          };
      HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).as(route.toString()).doesNotContain("no route");
    }
    assertThat(get("/v1/nothing-here", admin).statusCode()).isEqualTo(404);
    assertThat(get("/v1/nothing-here", admin).body()).contains("no route");
  }

  @Test
  void aServerWithTlsServesTheApiOverHttpsOnlyAndItsJobsRun() throws Exception {
    Path keystore = folder.resolve("server.p12");
    Path certificate = folder.resolve("server.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "lakebatch",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "lakebatch",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        certificate.toString());
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      trusted.setCertificateEntry(
          "lakebatch", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();

    // a second server on the same catalog: a standby, which answers and accepts like the leader
    ServerConfig config =
        ServerConfig.defaults(catalog.config(), folder.resolve("home"))
            .withPort(0)
            .withLease(Duration.ofSeconds(5), Duration.ofMillis(200))
            .withTls(new ServerConfig.Tls(keystore, "changeit"));
    try (LakeBatchServer secure =
        LakeBatchServer.start(
            config, catalog, spark, new PrintStream(OutputStream.nullOutputStream()))) {
      assertThat(secure.url()).startsWith("https://127.0.0.1:");
      HttpResponse<String> health =
          https.send(
              HttpRequest.newBuilder(URI.create(secure.url() + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      Path output = alphaDir.resolve("out-tls");
      HttpResponse<String> submitted =
          https.send(
              HttpRequest.newBuilder(URI.create(secure.url() + "/v1/jobs"))
                  .header("Authorization", "Bearer " + alpha)
                  .header("Content-Type", "application/yaml")
                  .POST(HttpRequest.BodyPublishers.ofString(spec("tls", output, 6_000)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
      String id = json(submitted).get("id").asText();
      get("/v1/jobs/" + id + "/logs?follow=true", alpha);
      HttpResponse<String> job =
          https.send(
              HttpRequest.newBuilder(URI.create(secure.url() + "/v1/jobs/" + id))
                  .header("Authorization", "Bearer " + alpha)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(json(job).get("state").asText()).as(job.body()).isEqualTo("SUCCEEDED");
      assertThat(idsOnce(output)).hasSize((int) ROWS);

      URI plain = URI.create(secure.url().replace("https://", "http://") + "/healthz");
      assertThatThrownBy(
              () -> {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("plain HTTP is not served").isNotEqualTo(200);
                throw new IOException("answered " + r.statusCode());
              })
          .isInstanceOf(IOException.class);
      assertThatThrownBy(
              () ->
                  http.send(
                      HttpRequest.newBuilder(URI.create(secure.url() + "/healthz")).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .as("a client that does not trust the certificate")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aHighPriorityJobTakesTheCoresAtTheLowJobsNextChunkBoundaryAndTheLowOneGoesOnEveryRowOnce()
      throws Exception {
    Path lowOut = alphaDir.resolve("out-yielding-low");
    Path highOut = alphaDir.resolve("out-first-high");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", "1500");
    String low;
    String high;
    try {
      // each chunk of either job asks for the server's 2 cores: chunks take turns by priority
      low = submit(spec("low", lowOut, 1_000) + "priority: low\n", alpha, null);
      HttpResponse<InputStream> follow = stream("/v1/jobs/" + low + "/logs?follow=true", alpha);
      try (java.io.BufferedReader lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(follow.body(), StandardCharsets.UTF_8))) {
        Pattern committedLine = Pattern.compile("chunk \\d+/6 committed");
        String line;
        while ((line = lines.readLine()) != null && !committedLine.matcher(line).find()) {
          // until the low job's first commit
        }
        assertThat(line).as("a committed chunk of the low job").isNotNull();
      }
      high = submit(spec("high", highOut, 1_000) + "priority: high\n", alpha, null);
      get("/v1/jobs/" + high + "/logs?follow=true", alpha);
    } finally {
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
    }
    get("/v1/jobs/" + low + "/logs?follow=true", alpha);

    JsonNode lowJob = json(get("/v1/jobs/" + low, alpha));
    JsonNode highJob = json(get("/v1/jobs/" + high, alpha));
    assertThat(highJob.get("state").asText()).as(highJob.toString()).isEqualTo("SUCCEEDED");
    assertThat(lowJob.get("state").asText()).as(lowJob.toString()).isEqualTo("SUCCEEDED");
    assertThat(lowJob.get("attempts").asInt()).as("never stopped nor requeued").isEqualTo(1);
    assertThat(lowJob.get("preemptions").asInt()).isZero();
    Instant highStart = instant(highJob, "startedAt");
    Instant highEnd = instant(highJob, "endedAt");
    assertThat(highEnd)
        .as("the high job ran while the low one waited")
        .isBefore(instant(lowJob, "endedAt"));
    JsonNode lowChunks = json(get("/v1/jobs/" + low + "/chunks", alpha)).get("chunks");
    assertThat(lowChunks).hasSize(6);
    long lowCommitsWhileHighRan = 0;
    for (JsonNode chunk : lowChunks) {
      Instant committed = Instant.parse(chunk.get("committedAt").asText());
      if (committed.isAfter(highStart) && committed.isBefore(highEnd)) {
        lowCommitsWhileHighRan++;
      }
    }
    System.out.printf(
        "chunk granularity: %d of the low job's 6 chunks committed while the high job ran%n",
        lowCommitsWhileHighRan);
    assertThat(lowCommitsWhileHighRan)
        .as("the low job got only the cores the high one left")
        .isLessThan(6);
    assertThat(idsOnce(lowOut)).as("the low job's rows, each once").hasSize((int) ROWS);
    assertThat(idsOnce(highOut)).hasSize((int) ROWS);
  }

  @Test
  void aDagRunsInOrderWhateverOrderItWasSubmittedIn() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String a = "dag-a-" + run;
    String b = "dag-b-" + run;
    // the last job first: it names its upstream by a key nothing was submitted with yet
    String third =
        submit(
            dependsOn(spec("dag-c", alphaDir.resolve("out-dag-c"), 3_000), b),
            alpha,
            "dag-c-" + run);
    JsonNode waiting = json(get("/v1/jobs/" + third, alpha));
    assertThat(waiting.get("state").asText()).isEqualTo("QUEUED");
    assertThat(waiting.get("waitingFor").asText()).contains("'" + b + "'");
    String first = submit(spec("dag-a", alphaDir.resolve("out-dag-a"), 3_000), alpha, a);
    String second =
        submit(dependsOn(spec("dag-b", alphaDir.resolve("out-dag-b"), 3_000), first), alpha, b);

    get("/v1/jobs/" + third + "/logs?follow=true", alpha);
    JsonNode jobA = json(get("/v1/jobs/" + first, alpha));
    JsonNode jobB = json(get("/v1/jobs/" + second, alpha));
    JsonNode jobC = json(get("/v1/jobs/" + third, alpha));

    for (JsonNode job : List.of(jobA, jobB, jobC)) {
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
    }
    assertThat(jobB.get("dependsOn").get(0).asText()).isEqualTo(first);
    assertThat(instant(jobB, "startedAt")).isAfterOrEqualTo(instant(jobA, "endedAt"));
    assertThat(instant(jobC, "startedAt")).isAfterOrEqualTo(instant(jobB, "endedAt"));
    for (String dag : List.of("out-dag-a", "out-dag-b", "out-dag-c")) {
      assertThat(idsOnce(alphaDir.resolve(dag))).as(dag).hasSize((int) ROWS);
    }
  }

  @Test
  void anUpstreamFailureEndsEveryJobDownstreamUpstreamFailedNamingIt() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String broken =
        spec("upstream-broken", alphaDir.resolve("out-up-broken"), 3_000)
            .replace(model.toString(), alphaDir.resolve("missing-" + run + ".onnx").toString());
    String upstream = submit(broken, alpha, null);
    Path downstreamOut = alphaDir.resolve("out-down-" + run);
    String downstream =
        submit(dependsOn(spec("downstream", downstreamOut, 3_000), upstream), alpha, "down-" + run);
    String further =
        submit(
            dependsOn(
                spec("further", alphaDir.resolve("out-further-" + run), 3_000), "down-" + run),
            alpha,
            null);

    get("/v1/jobs/" + further + "/logs?follow=true", alpha);

    assertThat(json(get("/v1/jobs/" + upstream, alpha)).get("state").asText()).isEqualTo("FAILED");
    JsonNode down = json(get("/v1/jobs/" + downstream, alpha));
    assertThat(down.get("state").asText()).as(down.toString()).isEqualTo("UPSTREAM_FAILED");
    assertThat(down.get("message").asText()).contains(upstream).contains("FAILED");
    assertThat(down.get("attempts").asInt()).as("it never started").isZero();
    JsonNode next = json(get("/v1/jobs/" + further, alpha));
    assertThat(next.get("state").asText()).isEqualTo("UPSTREAM_FAILED");
    assertThat(next.get("message").asText()).contains(downstream).contains("UPSTREAM_FAILED");
    assertThat(Files.exists(downstreamOut)).as("nothing written downstream").isFalse();
    assertThat(json(get("/v1/jobs?state=UPSTREAM_FAILED", alpha)).get("jobs").size())
        .isGreaterThanOrEqualTo(2);
    Matcher ended =
        Pattern.compile("lakebatch_jobs_ended_total\\{state=\"UPSTREAM_FAILED\"\\} ([0-9.E+]+)")
            .matcher(get("/metrics", null).body());
    assertThat(ended.find()).isTrue();
    assertThat(Double.parseDouble(ended.group(1))).isGreaterThanOrEqualTo(2);
  }

  @Test
  void dependencyCyclesAndUnknownUpstreamJobsAreRefusedNamingTheField() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String x = "cycle-x-" + run;
    String y = "cycle-y-" + run;
    String z = "cycle-z-" + run;
    String first =
        submit(dependsOn(spec("cycle-x", alphaDir.resolve("out-cycle-x"), 3_000), y), alpha, x);
    String middle =
        submit(dependsOn(spec("cycle-z", alphaDir.resolve("out-cycle-z"), 3_000), x), alpha, z);

    HttpResponse<String> cycle =
        post(
            "/v1/jobs",
            dependsOn(spec("cycle-y", alphaDir.resolve("out-cycle-y"), 3_000), z),
            alpha,
            y);
    assertThat(fields(cycle)).containsExactly("depends-on[0]");
    assertThat(json(cycle).get("detail").asText())
        .contains(y + " \u2192 " + z + " \u2192 " + x + " \u2192 " + y);
    HttpResponse<String> itself =
        post(
            "/v1/jobs",
            dependsOn(spec("self", alphaDir.resolve("out-self"), 3_000), "self-" + run),
            alpha,
            "self-" + run);
    assertThat(fields(itself)).containsExactly("depends-on[0]");
    assertThat(json(itself).get("detail").asText()).contains("self-" + run + " \u2192 self-" + run);
    HttpResponse<String> unknown =
        post(
            "/v1/jobs",
            dependsOn(
                spec("unknown", alphaDir.resolve("out-unknown"), 3_000), "job-00000000000000ff"),
            alpha,
            null);
    assertThat(fields(unknown)).containsExactly("depends-on[0]");
    String betaJob =
        submit(dependsOn(spec("beta", folder.resolve("b"), 3_000), "never-" + run), beta, null);
    assertThat(
            fields(
                post(
                    "/v1/jobs",
                    dependsOn(spec("cross", alphaDir.resolve("out-cross"), 3_000), betaJob),
                    alpha,
                    null)))
        .as("another tenant's job is not an upstream")
        .containsExactly("depends-on[0]");

    for (String id : List.of(first, middle, betaJob)) { // they would wait forever
      assertThat(delete("/v1/jobs/" + id, id.equals(betaJob) ? beta : alpha).statusCode())
          .isEqualTo(202);
    }
    assertThat(json(get("/v1/jobs/" + first, alpha)).get("state").asText()).isEqualTo("CANCELLED");
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  // ------------------------------------------------------------------------------- helpers

  private static String spec(String name, Path output, long rowsPerChunk) {
    return """
        name: %s
        model:
          path: %s
          inputs: {features: [f0, f1, f2, f3]}
          outputs: {score: score}
        input: {format: delta, path: %s, carry: [id]}
        output: {path: %s}
        execution:
          batch-size: 256
          rows-per-chunk: %d
        resources: {master: "local[2]", executors: 1, executor-cores: 2}
        """
        .formatted(name, model, input, output, rowsPerChunk);
  }

  private static String dependsOn(String spec, String upstream) {
    return spec + "depends-on: [\"" + upstream + "\"]\n";
  }

  /** Submits {@code body} as {@code token}'s tenant; asserts 202 and returns the job's id. */
  private static String submit(String body, String token, String key) throws Exception {
    HttpResponse<String> response = post("/v1/jobs", body, token, key);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return json(response).get("id").asText();
  }

  private static java.time.Instant instant(JsonNode job, String field) {
    return java.time.Instant.parse(job.get(field).asText());
  }

  private static List<Long> idsOnce(Path output) {
    List<Long> ids = new ArrayList<>();
    for (Row row :
        spark.read().format("delta").load(output.toString()).select("id").collectAsList()) {
      ids.add(row.getLong(0));
    }
    assertThat(new HashSet<>(ids)).as("no id twice").hasSize(ids.size());
    return ids;
  }

  private static List<String> fields(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    json(response).path("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  private static long counter(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.E+]+)$").matcher(metrics);
    assertThat(m.find()).as(name + " in\n" + metrics).isTrue();
    return (long) Double.parseDouble(m.group(2));
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofMinutes(3));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<java.io.InputStream> stream(String path, String token)
      throws Exception {
    return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static HttpResponse<String> delete(String path, String token) throws Exception {
    return http.send(request(path, token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body, String token, String key)
      throws Exception {
    HttpRequest.Builder builder =
        request(path, token)
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      builder.header("Idempotency-Key", key);
    }
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
