package io.lakebatch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import io.lakebatch.api.LakeBatch;
import io.lakebatch.catalog.error.FieldError;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.jobs.ApiToken;
import io.lakebatch.catalog.jobs.JobFilter;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.Leadership;
import io.lakebatch.catalog.jobs.NewJob;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.jobs.Submission;
import io.lakebatch.catalog.jobs.TokenStore;
import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.catalog.spec.ExecutionMode;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.RunIdentity;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.JdbcUrls;
import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.jobs.SparkSessionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lakebatch server}: the REST job server. Every accepted job is stored in the catalog's
 * queue before the API answers; a {@link JobDispatcher} runs queued jobs in the server's one
 * long-lived SparkSession (so a small job starts in well under a second), each in a FAIR scheduler
 * pool of its own. Requests carry a tenant's bearer token; a tenant sees only its own jobs.
 *
 * <pre>{@code
 * try (LakeBatchServer server = LakeBatchServer.start(config, System.out)) {
 *   System.out.println("listening on " + server.url());
 *   server.awaitStop();
 * }
 * }</pre>
 */
public final class LakeBatchServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LakeBatchServer.class);
  private static final String PRINCIPAL = "lakebatch.principal";
  private static final String PROBLEM = "lakebatch.problem";
  private static final int MAX_LIST = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One route of the API: what {@code /openapi.json} documents is checked against this table. */
  public record Route(HandlerType method, String path, boolean authenticated, Handler handler) {}

  private final ServerConfig config;
  private final Catalog catalog;
  private final boolean ownsCatalog;
  private final SparkSession spark;
  private final boolean ownsSpark;
  private final ServerMetrics metrics = new ServerMetrics();
  private final RateLimiter rates = new RateLimiter(System::nanoTime);
  private final JobDispatcher dispatcher;
  private final JobDependencies dependencies;
  private final Optional<IsolatedLauncher> launcher;
  private final Javalin http;
  private final List<Route> routes;
  private final String owner;

  private LakeBatchServer(
      ServerConfig config,
      Catalog catalog,
      boolean ownsCatalog,
      SparkSession spark,
      boolean ownsSpark,
      Optional<IsolatedLauncher> launcher,
      PrintStream out) {
    this.config = config;
    this.launcher = launcher;
    this.catalog = catalog;
    this.dependencies = new JobDependencies(catalog.jobs());
    this.ownsCatalog = ownsCatalog;
    this.spark = spark;
    this.ownsSpark = ownsSpark;
    this.owner =
        "server-"
            + UUID.randomUUID().toString().substring(0, 8)
            + " "
            + ManagementFactory.getRuntimeMXBean().getName();
    LakeBatch lakeBatch =
        LakeBatch.with(spark, catalog).withRunFolders(config.home().resolve("runs"));
    this.dispatcher =
        new JobDispatcher(
            catalog.jobs(),
            catalog.runs(),
            lakeBatch,
            launcher,
            spark.sparkContext(),
            config.scheduling().policy() == ServerConfig.Scheduling.Policy.PRIORITY
                ? new PriorityFifoPolicy()
                : new FairSharePolicy(config.schedulerConfig(), java.time.Clock.systemUTC()),
            config,
            owner,
            metrics,
            out);
    this.routes = routes();
    this.http =
        Javalin.create(
            c -> {
              c.showJavalinBanner = false;
              c.http.maxRequestSize = config.maxBodyBytes();
              c.jsonMapper(new JavalinJackson(JSON, false));
              config
                  .tls()
                  .ifPresent(
                      tls ->
                          c.jetty.addConnector(
                              (jetty, httpConfig) ->
                                  HttpsConnector.create(
                                      jetty, httpConfig, tls, config.host(), config.port())));
            });
    for (Route route : routes) {
      http.addHttpHandler(
          route.method(),
          route.path(),
          ctx -> {
            if (route.authenticated()) {
              authenticate(ctx);
            }
            route.handler().handle(ctx);
          });
    }
    http.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
    http.exception(LakeBatchException.class, (e, ctx) -> problem(ctx, ApiProblem.of(e)));
    http.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
          problem(ctx, new ApiProblem(500, "Internal Server Error", String.valueOf(e), List.of()));
        });
    http.error(
        404,
        ctx -> {
          if (ctx.attribute(PROBLEM) == null) { // Javalin's own 404: no route matched
            problem(
                ctx,
                new ApiProblem(
                    404, "Not Found", "no route " + ctx.method() + " " + ctx.path(), List.of()));
          }
        });
    http.error(
        413,
        ctx ->
            problem(
                ctx,
                new ApiProblem(
                    413,
                    "Content Too Large",
                    "the body is over " + config.maxBodyBytes() + " bytes",
                    List.of())));
  }

  /**
   * Starts a server with its own catalog and SparkSession that runs {@code shared} jobs only. When
   * no admin token exists yet, one is created and its secret printed to {@code out} (once: only its
   * hash is stored).
   */
  public static LakeBatchServer start(ServerConfig config, PrintStream out) {
    return start(config, Optional.empty(), out);
  }

  /**
   * Starts a server with its own catalog and SparkSession, as {@code lakebatch server} does, that
   * runs {@code isolated} jobs with the commands {@code launcher} builds.
   */
  public static LakeBatchServer start(
      ServerConfig config, IsolatedLauncher launcher, PrintStream out) {
    return start(config, Optional.of(launcher), out);
  }

  private static LakeBatchServer start(
      ServerConfig config, Optional<IsolatedLauncher> launcher, PrintStream out) {
    Catalog catalog = Catalog.open(config.catalog());
    try {
      Map<String, String> conf = new HashMap<>(config.sparkConf());
      conf.put("spark.scheduler.mode", "FAIR");
      SparkSession spark =
          SparkSessionFactory.create(
              "lakebatch server",
              new ResourceSpec(config.master(), 1, config.cores(), "1g", 0),
              4,
              false,
              conf);
      return start(config, catalog, true, spark, true, launcher, out);
    } catch (RuntimeException e) {
      catalog.close();
      throw e;
    }
  }

  /**
   * Starts a server on a catalog and a SparkSession the caller owns (tests, an embedding
   * application); {@link #close()} leaves both open. The session should run with {@code
   * spark.scheduler.mode=FAIR} for jobs to share it fairly.
   */
  public static LakeBatchServer start(
      ServerConfig config, Catalog catalog, SparkSession spark, PrintStream out) {
    return start(config, catalog, false, spark, false, Optional.empty(), out);
  }

  private static LakeBatchServer start(
      ServerConfig config,
      Catalog catalog,
      boolean ownsCatalog,
      SparkSession spark,
      boolean ownsSpark,
      Optional<IsolatedLauncher> launcher,
      PrintStream out) {
    LakeBatchServer server =
        new LakeBatchServer(config, catalog, ownsCatalog, spark, ownsSpark, launcher, out);
    TokenStore tokens = catalog.tokens();
    if (!tokens.hasAdmin()) {
      TokenStore.CreatedToken admin = tokens.create("admin", true);
      out.println(
          "lakebatch server: first admin token (shown once, stored hashed): " + admin.secret());
    }
    server.http.start(config.host(), config.port());
    server.dispatcher.start();
    out.println(
        "lakebatch server listening on "
            + server.url()
            + " (catalog "
            + JdbcUrls.redact(catalog.config().url())
            + ")");
    out.flush();
    return server;
  }

  /** Where the API is, e.g. {@code http://127.0.0.1:8420} ({@code https://} with TLS). */
  public String url() {
    return (config.tls().isPresent() ? "https://" : "http://") + config.host() + ":" + http.port();
  }

  public int port() {
    return http.port();
  }

  /** The catalog its queue, tokens and runs are in. */
  public Catalog catalog() {
    return catalog;
  }

  /** The session its jobs run in. */
  public SparkSession spark() {
    return spark;
  }

  /** The routes this server answers (what the OpenAPI document must describe). */
  public List<Route> routeTable() {
    return routes;
  }

  /** Blocks until the JVM is asked to stop (the CLI's foreground mode). */
  public void awaitStop() throws InterruptedException {
    Object forever = new Object();
    synchronized (forever) {
      while (true) {
        forever.wait();
      }
    }
  }

  /**
   * Stops the API and the dispatcher. Jobs still running are not waited for: their leases lapse and
   * another server (or this one, restarted) resumes them from their committed chunks.
   */
  @Override
  public void close() {
    dispatcher.close();
    http.stop();
    metrics.close();
    if (ownsSpark) {
      spark.stop();
    }
    if (ownsCatalog) {
      catalog.close();
    }
  }

  // ------------------------------------------------------------------------------- routes

  private List<Route> routes() {
    return List.of(
        new Route(HandlerType.GET, "/healthz", false, ctx -> ctx.json(Map.of("status", "ok"))),
        new Route(HandlerType.GET, "/readyz", false, this::ready),
        new Route(HandlerType.GET, "/metrics", false, this::metrics),
        new Route(HandlerType.GET, "/openapi.json", false, this::openApi),
        new Route(HandlerType.POST, "/v1/jobs", true, this::submit),
        new Route(HandlerType.GET, "/v1/jobs", true, this::list),
        new Route(HandlerType.GET, "/v1/jobs/{id}", true, ctx -> ctx.json(view(visibleJob(ctx)))),
        new Route(HandlerType.DELETE, "/v1/jobs/{id}", true, this::cancel),
        new Route(HandlerType.POST, "/v1/jobs/{id}/retry", true, this::retry),
        new Route(HandlerType.GET, "/v1/jobs/{id}/chunks", true, this::chunks),
        new Route(HandlerType.GET, "/v1/jobs/{id}/logs", true, this::logs),
        new Route(HandlerType.GET, "/v1/queue", true, this::queue),
        new Route(HandlerType.GET, "/v1/models", true, this::models));
  }

  private void ready(Context ctx) {
    try {
      catalog.jobs().list(JobFilter.all(1));
    } catch (RuntimeException e) {
      throw new ApiProblem(503, "Service Unavailable", "catalog: " + e.getMessage(), List.of());
    }
    if (spark.sparkContext().isStopped()) {
      throw new ApiProblem(503, "Service Unavailable", "the SparkSession is stopped", List.of());
    }
    Leadership leadership = dispatcher.leadership();
    ctx.json(
        Map.of(
            "status",
            "ready",
            "role",
            leadership.ledBy(owner) ? "leader" : "standby",
            "leader",
            leadership.leader().orElse(""),
            "epoch",
            leadership.epoch(),
            "runningJobs",
            dispatcher.running()));
  }

  private void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  private void openApi(Context ctx) throws IOException {
    try (InputStream document = LakeBatchServer.class.getResourceAsStream("openapi.json")) {
      ctx.contentType("application/json")
          .result(new String(document.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private void submit(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    String body = ctx.body();
    if (body.isBlank()) {
      throw ApiProblem.badRequest("the body must be a job spec (YAML or JSON)", List.of());
    }
    String type = Optional.ofNullable(ctx.contentType()).orElse("");
    JobSpec spec = SubmissionCheck.parse(body, type.contains("json"));
    SubmissionCheck.checkPaths(
        spec, config.tenant(principal.tenant()).allowedPrefixes(), principal.tenant());
    ExecutionMode mode = spec.resources().executionMode().orElse(config.executionMode());
    if (mode == ExecutionMode.ISOLATED && launcher.isEmpty()) {
      throw ApiProblem.badRequest(
          "this server runs jobs in its shared SparkSession only",
          List.of(
              new FieldError(
                  "resources.execution-mode",
                  "isolated jobs need a server started by ./lakebatch server; use shared")));
    }
    Optional<String> key =
        Optional.ofNullable(ctx.header("Idempotency-Key")).filter(k -> !k.isBlank());
    if (key.isPresent() && key.get().length() > 200) {
      throw ApiProblem.badRequest(
          "Idempotency-Key is longer than 200 characters",
          List.of(new FieldError("Idempotency-Key", "at most 200 characters")));
    }
    NewJob job =
        new NewJob(
            principal.tenant(),
            spec.name(),
            key,
            RunIdentity.sha256(body),
            body,
            spec.priority().spelling(),
            SubmissionCheck.cores(spec),
            mode,
            spec.dependsOn());
    Submission submission;
    if (spec.dependsOn().isEmpty()) {
      submission = catalog.jobs().submit(job);
    } else {
      // two submissions that each close the other's cycle are checked one after the other
      synchronized (dependencies) {
        dependencies.checkSubmission(principal.tenant(), key, spec.dependsOn());
        submission = catalog.jobs().submit(job);
      }
    }
    if (submission.created()) {
      metrics.submitted();
      dispatcher.wake();
    }
    ctx.status(submission.created() ? 202 : 200)
        .header("Location", "/v1/jobs/" + submission.job().id())
        .json(view(submission.job()));
  }

  private void list(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    Optional<String> tenant = Optional.ofNullable(ctx.queryParam("tenant"));
    if (!principal.admin()) {
      if (tenant.isPresent() && !tenant.get().equals(principal.tenant())) {
        ctx.json(Map.of("jobs", List.of()));
        return;
      }
      tenant = Optional.of(principal.tenant());
    }
    Optional<JobState> state =
        Optional.ofNullable(ctx.queryParam("state")).map(s -> enumValue(s, "state"));
    int limit = intParam(ctx, "limit", 50, 1, MAX_LIST);
    OptionalLong cursor =
        Optional.ofNullable(ctx.queryParam("cursor"))
            .map(c -> OptionalLong.of(longParam(c, "cursor")))
            .orElse(OptionalLong.empty());
    List<ServerJob> page =
        catalog
            .jobs()
            .list(
                new JobFilter(
                    state, tenant, Optional.ofNullable(ctx.queryParam("name")), limit, cursor));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jobs", page.stream().map(j -> JobView.of(j, Optional.empty())).toList());
    body.put(
        "nextCursor",
        page.size() == limit ? String.valueOf(page.get(page.size() - 1).sequence()) : null);
    ctx.json(body);
  }

  private void cancel(Context ctx) {
    ServerJob job = visibleJob(ctx);
    ServerJob after =
        catalog.jobs().cancel(job.id()).orElseThrow(() -> ApiProblem.jobNotFound(job.id()));
    dispatcher.wake();
    ctx.status(202).json(view(after));
  }

  private void retry(Context ctx) {
    ServerJob job = visibleJob(ctx);
    ServerJob after =
        catalog.jobs().retry(job.id()).orElseThrow(() -> ApiProblem.jobNotFound(job.id()));
    dispatcher.wake();
    ctx.status(202).json(view(after));
  }

  private void chunks(Context ctx) {
    ServerJob job = visibleJob(ctx);
    List<Map<String, Object>> chunks = new ArrayList<>();
    job.runId()
        .ifPresent(
            run ->
                catalog
                    .runs()
                    .chunks(run)
                    .forEach(
                        c -> {
                          Map<String, Object> chunk = new LinkedHashMap<>();
                          chunk.put("chunk", c.chunk());
                          chunk.put("state", c.state().name());
                          chunk.put("plannedRows", c.plannedRows());
                          chunk.put("rowsOut", c.rowsOut().orElse(null));
                          chunk.put("deadLetterRows", c.deadLetterRows().orElse(null));
                          chunk.put("attempts", c.attempts());
                          chunk.put("deltaVersion", c.deltaVersion().orElse(null));
                          chunk.put(
                              "committedAt", c.committedAt().map(Object::toString).orElse(null));
                          chunk.put("lastError", c.lastError().orElse(null));
                          chunks.add(chunk);
                        }));
    ctx.json(Map.of("jobId", job.id(), "runId", job.runId().orElse(""), "chunks", chunks));
  }

  /**
   * The run's driver log as plain text; with {@code follow=true} the response stays open and
   * streams new lines until the job ends.
   */
  private void logs(Context ctx) throws IOException, InterruptedException {
    ServerJob job = visibleJob(ctx);
    boolean follow = Boolean.parseBoolean(ctx.queryParam("follow"));
    ctx.contentType("text/plain; charset=utf-8");
    OutputStream out = ctx.res().getOutputStream();
    long offset = 0;
    while (true) {
      ServerJob now = catalog.jobs().get(job.id()).orElse(job);
      Optional<Path> log =
          now.runId()
              .flatMap(run -> catalog.runs().find(run))
              .flatMap(r -> r.logPath())
              .map(Path::of);
      if (log.isPresent() && Files.exists(log.get())) {
        offset = copyFrom(log.get(), offset, out);
      }
      out.flush();
      if (!follow || now.state().ended()) {
        if (log.isPresent() && Files.exists(log.get())) {
          copyFrom(log.get(), offset, out);
        }
        out.flush();
        return;
      }
      Thread.sleep(config.pollInterval().toMillis() / 4 + 50); // tailing a file: nothing to wait on
    }
  }

  private static long copyFrom(Path file, long offset, OutputStream out) throws IOException {
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
      long size = channel.size();
      if (size <= offset) {
        return offset;
      }
      channel.position(offset);
      java.nio.ByteBuffer buffer =
          java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
      long read = 0;
      while (offset + read < size && channel.read(buffer) > 0) {
        out.write(buffer.array(), 0, buffer.position());
        read += buffer.position();
        buffer.clear();
      }
      return offset + read;
    }
  }

  private void queue(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    List<Map<String, Object>> waiting =
        catalog.jobs().queued().stream()
            .filter(j -> principal.sees(j.tenant()))
            .map(j -> JobView.of(j, Optional.empty()))
            .toList();
    List<Map<String, Object>> running =
        catalog.jobs().running().stream()
            .filter(j -> principal.sees(j.tenant()))
            .map(this::view)
            .toList();
    ctx.json(Map.of("queued", waiting, "running", running, "capacityCores", config.cores()));
  }

  private void models(Context ctx) {
    List<Map<String, Object>> models = new ArrayList<>();
    for (ModelVersion model : catalog.models().latestVersions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", model.name());
      m.put("version", model.version());
      m.put("ref", model.label());
      m.put("uri", model.uri());
      m.put("sha256", model.sha256());
      m.put("description", model.description().orElse(null));
      m.put("registeredAt", model.registeredAt().toString());
      models.add(m);
    }
    ctx.json(Map.of("models", models));
  }

  // ------------------------------------------------------------------------------- helpers

  private void authenticate(Context ctx) {
    String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
    if (!header.startsWith("Bearer ")) {
      throw ApiProblem.unauthorized();
    }
    ApiToken token =
        catalog
            .tokens()
            .authenticate(header.substring("Bearer ".length()).trim())
            .orElseThrow(ApiProblem::unauthorized);
    Principal principal = new Principal(token.tenant(), token.admin());
    OptionalLong wait =
        rates.acquire(principal.tenant(), config.tenant(principal.tenant()).requestsPerMinute());
    if (wait.isPresent()) {
      throw ApiProblem.tooManyRequests(principal.tenant(), wait.getAsLong());
    }
    ctx.attribute(PRINCIPAL, principal);
  }

  /** The job of the path's {@code id}, if this principal may see it; 404 otherwise. */
  private ServerJob visibleJob(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    String id = ctx.pathParam("id");
    return catalog
        .jobs()
        .get(id)
        .filter(j -> principal.sees(j.tenant()))
        .orElseThrow(() -> ApiProblem.jobNotFound(id));
  }

  private Map<String, Object> view(ServerJob job) {
    Optional<RunProgress> progress =
        job.runId()
            .flatMap(
                run -> {
                  try {
                    return Optional.of(catalog.runs().progress(run));
                  } catch (
                      LakeBatchException e) { // the run is registered a moment after the job starts
                    return Optional.empty();
                  }
                });
    Optional<String> waitingFor =
        job.state() == JobState.QUEUED && !job.dependsOn().isEmpty()
            ? Optional.of(dependencies.upstream(job))
                .filter(u -> u.verdict() == JobDependencies.Verdict.WAIT)
                .map(JobDependencies.Upstream::detail)
            : Optional.empty();
    return JobView.of(job, progress, waitingFor);
  }

  private static void problem(Context ctx, ApiProblem problem) {
    ctx.attribute(PROBLEM, true);
    problem.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", String.valueOf(s)));
    try {
      ctx.status(problem.status())
          .contentType("application/problem+json; charset=utf-8")
          .result(JSON.writeValueAsBytes(problem.body())); // UTF-8 whatever the JVM's locale
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JobState enumValue(String value, String param) {
    try {
      return JobState.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest(
          param + " must be one of " + List.of(JobState.values()),
          List.of(new FieldError(param, "unknown state '" + value + "'")));
    }
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return fallback;
    }
    long parsed = longParam(value, name);
    if (parsed < min || parsed > max) {
      throw ApiProblem.badRequest(
          name + " must be between " + min + " and " + max,
          List.of(new FieldError(name, "out of range: " + value)));
    }
    return (int) parsed;
  }

  private static long longParam(String value, String name) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest(
          name + " must be an integer",
          List.of(new FieldError(name, "not an integer: '" + value + "'")));
    }
  }
}
