package io.lakebatch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebatch.catalog.jobs.JobFilter;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.store.Catalog;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * The server under load: {@code jobs} submissions from {@code clients} concurrent HTTP clients,
 * every tenth sent twice with its idempotency key (as a client retrying after a timeout would),
 * then every job followed to its end. Prints accepted / lost / duplicated counts, submit latency
 * percentiles, submit-to-first-Spark-job latency, jobs per minute, and the server's heap and
 * threads at the end; then {@code idleJobs} more, one at a time on the idle server, for the
 * submit-to-first-Spark-job latency a lone job sees. A command, not a timed test: numbers differ
 * between machines.
 */
public final class ServerLoadBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What to send: {@code spec.apply(i)} is job {@code i}'s spec text. */
  public record Options(int jobs, int clients, int idleJobs, IntFunction<String> spec) {}

  /** What was measured. */
  public record Result(
      int submitted,
      int accepted,
      int lost,
      int duplicated,
      int succeeded,
      double submitP50Ms,
      double submitP95Ms,
      double submitP99Ms,
      double startP50Ms,
      double startP95Ms,
      double idleStartP50Ms,
      double idleStartP95Ms,
      double jobsPerMinute,
      long heapUsedMb,
      int threads) {}

  private ServerLoadBenchmark() {}

  /** Runs the load against {@code server} (in this JVM: its catalog and session are observed). */
  public static Result run(LakeBatchServer server, Options options, PrintStream out)
      throws Exception {
    Catalog catalog = server.catalog();
    SparkSession spark = server.spark();
    String token = catalog.tokens().create("server-bench", false).secret();
    HttpClient http =
        HttpClient.newBuilder()
            .executor(Executors.newFixedThreadPool(options.clients()))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Map<String, Long> firstSparkJob = new ConcurrentHashMap<>();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            String pool =
                start.properties() == null
                    ? null
                    : start.properties().getProperty(JobDispatcher.POOL_PROPERTY);
            if (pool != null && pool.startsWith("job-")) {
              firstSparkJob.putIfAbsent(pool.substring("job-".length()), start.time());
            }
          }
        };
    spark.sparkContext().addSparkListener(listener);
    String key = "load-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "-";
    List<Double> submitMs = Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> submittedAt = new ConcurrentHashMap<>();
    Set<String> ids = ConcurrentHashMap.newKeySet();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService clients = Executors.newFixedThreadPool(options.clients());
    List<Future<?>> work = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    for (int c = 0; c < options.clients(); c++) {
      work.add(
          clients.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < options.jobs()) {
                  String body = options.spec().apply(i);
                  int sends = i % 10 == 0 ? 2 : 1;
                  for (int s = 0; s < sends; s++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = submit(http, server, token, key + i, body);
                    long wallMillis = System.currentTimeMillis();
                    submitMs.add((System.nanoTime() - t0) / 1e6);
                    sent.incrementAndGet();
                    if (response.statusCode() == 202 || response.statusCode() == 200) {
                      String id = JSON.readTree(response.body()).get("id").asText();
                      if (ids.add(id)) {
                        accepted.incrementAndGet();
                        submittedAt.put(id, wallMillis);
                      }
                    } else {
                      out.println(
                          "submission " + i + ": " + response.statusCode() + " " + response.body());
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    clients.shutdown();
    out.printf(
        "submitted %d requests for %d jobs; following them to their end...%n",
        sent.get(), options.jobs());
    for (String id : ids) {
      follow(http, server, token, id);
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    List<Double> idleStartMs = new ArrayList<>();
    for (int i = 0; i < options.idleJobs(); i++) {
      String idleKey = key + "idle-" + i;
      long at = System.currentTimeMillis();
      HttpResponse<String> response =
          submit(http, server, token, idleKey, options.spec().apply(options.jobs() + i));
      if (response.statusCode() != 202) {
        out.println("idle submission " + i + ": " + response.statusCode() + " " + response.body());
        continue;
      }
      String id = JSON.readTree(response.body()).get("id").asText();
      follow(http, server, token, id);
      Long first = firstSparkJob.get(id);
      if (first != null) {
        idleStartMs.add((double) (first - at));
      }
    }
    spark.sparkContext().removeSparkListener(listener);
    List<ServerJob> stored =
        catalog.jobs().list(JobFilter.all(Integer.MAX_VALUE)).stream()
            .filter(
                j ->
                    j.idempotencyKey()
                        .map(k -> k.startsWith(key) && !k.startsWith(key + "idle-"))
                        .orElse(false))
            .toList();
    Set<String> keys = new HashSet<>();
    int duplicated = 0;
    int succeeded = 0;
    for (ServerJob job : stored) {
      if (!keys.add(job.idempotencyKey().orElseThrow())) {
        duplicated++;
      }
      if (job.state().name().equals("SUCCEEDED")) {
        succeeded++;
      }
    }
    int lost = (int) ids.stream().filter(id -> catalog.jobs().get(id).isEmpty()).count();
    List<Double> startMs = new ArrayList<>();
    submittedAt.forEach(
        (id, at) -> {
          Long first = firstSparkJob.get(id);
          if (first != null) {
            startMs.add((double) (first - at));
          }
        });
    Runtime runtime = Runtime.getRuntime();
    Result result =
        new Result(
            options.jobs(),
            accepted.get(),
            lost + (options.jobs() - accepted.get()),
            duplicated,
            succeeded,
            percentile(submitMs, 50),
            percentile(submitMs, 95),
            percentile(submitMs, 99),
            percentile(startMs, 50),
            percentile(startMs, 95),
            percentile(idleStartMs, 50),
            percentile(idleStartMs, 95),
            succeeded / minutes,
            (runtime.totalMemory() - runtime.freeMemory()) >> 20,
            ManagementFactory.getThreadMXBean().getThreadCount());
    out.println(render(result, catalog.config().url()));
    return result;
  }

  private static HttpResponse<String> submit(
      HttpClient http, LakeBatchServer server, String token, String key, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/jobs"))
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Returns when the job has ended: the server ends a followed log then. */
  private static void follow(HttpClient http, LakeBatchServer server, String token, String id)
      throws Exception {
    http.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/jobs/" + id + "/logs?follow=true"))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  static String render(Result r, String catalogUrl) {
    return String.format(
        "server benchmark on %s%n"
            + "  jobs submitted / accepted / lost / duplicated  %d / %d / %d / %d%n"
            + "  jobs SUCCEEDED                                 %d%n"
            + "  submit latency p50 / p95 / p99                 %.1f / %.1f / %.1f ms%n"
            + "  submit -> first Spark job p50 / p95 (burst)    %.0f / %.0f ms%n"
            + "  submit -> first Spark job p50 / p95 (idle)     %.0f / %.0f ms%n"
            + "  jobs completed per minute                      %.1f%n"
            + "  server heap used / threads at the end          %d MB / %d%n",
        catalogUrl.replaceAll("password=[^;&]*", "password=***"),
        r.submitted(),
        r.accepted(),
        r.lost(),
        r.duplicated(),
        r.succeeded(),
        r.submitP50Ms(),
        r.submitP95Ms(),
        r.submitP99Ms(),
        r.startP50Ms(),
        r.startP95Ms(),
        r.idleStartP50Ms(),
        r.idleStartP95Ms(),
        r.jobsPerMinute(),
        r.heapUsedMb(),
        r.threads());
  }

  static double percentile(List<Double> values, int p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
