package io.lakebatch.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.ExecutionMode;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.server.scheduling.TenantShare;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a server runs with; every default is here. Read from the {@code server:} section of a {@code
 * lakebatch.yaml} (whose {@code catalog:} section names the database):
 *
 * <pre>{@code
 * server:
 *   host: 127.0.0.1
 *   port: 8420                 # 0: any free port
 *   master: local[4]           # the shared SparkSession's master
 *   cores: 4                   # capacity of the shared session: jobs start while their cores fit
 *   execution-mode: shared     # or isolated: a job whose spec names no resources.execution-mode
 *   isolated-cores: 4          # capacity for isolated jobs (their own Spark applications)
 *   spark-conf: {spark.executor.memory: 4g}   # the shared session's and each isolated job's
 *   lease-timeout: 10s         # leader lease and job leases: a standby takes over, and requeues a dead server's jobs, this long after its last renewal
 *   poll-interval: 1s
 *   max-body-bytes: 1048576
 *   tls: {keystore: server.p12, password: changeit}   # HTTPS (PKCS12 or JKS); absent: HTTP
 *   scheduling: {policy: fair-share, granularity: chunk, preemption: true, preemption-grace: 10m}
 *   tenants:
 *     analytics: {allowed-prefixes: [/data/analytics/], requests-per-minute: 600, weight: 2,
 *                 guaranteed-share: 0.25, max-share: 0.8}
 * }</pre>
 *
 * @param tenants per-tenant limits; a tenant not listed has no path restriction and the default
 *     rate
 */
public record ServerConfig(
    CatalogConfig catalog,
    Path home,
    String host,
    int port,
    String master,
    int cores,
    ExecutionMode executionMode,
    int isolatedCores,
    Map<String, String> sparkConf,
    Duration leaseTimeout,
    Duration pollInterval,
    long maxBodyBytes,
    int requestsPerMinute,
    Map<String, TenantPolicy> tenants,
    Optional<Tls> tls,
    Scheduling scheduling) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8420;
  public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
  public static final int DEFAULT_REQUESTS_PER_MINUTE = 600;

  private static final Set<String> KEYS =
      Set.of(
          "host",
          "port",
          "master",
          "cores",
          "execution-mode",
          "isolated-cores",
          "spark-conf",
          "lease-timeout",
          "poll-interval",
          "max-body-bytes",
          "requests-per-minute",
          "tenants",
          "tls",
          "scheduling");

  /**
   * HTTPS: the server's key and certificate.
   *
   * @param keystore a PKCS12 (or JKS) key store holding one private key and its certificate chain
   */
  public record Tls(Path keystore, String password) {
    public Tls {
      requireNonNull(keystore, "keystore is null");
      requireNonNull(password, "password is null");
    }
  }

  /**
   * How the dispatcher shares the capacity.
   *
   * @param preemption whether a waiting job of a higher priority class that does not fit stops
   *     running jobs of lower classes at their next chunk boundary (they are queued again and
   *     resume from their committed chunks)
   * @param preemptionGrace how long a preempted job may take to reach its chunk boundary before its
   *     running chunks are killed (their uncommitted work is lost, nothing else); zero: never kill
   * @param granularity what the policy hands out to shared jobs: their chunks one by one, or whole
   *     jobs (isolated jobs are always whole)
   */
  public record Scheduling(
      Policy policy, boolean preemption, Duration preemptionGrace, Granularity granularity) {
    public static final Scheduling DEFAULTS =
        new Scheduling(Policy.FAIR_SHARE, true, Duration.ofMinutes(10), Granularity.CHUNK);

    /** What the policy hands out in shared mode. */
    public enum Granularity {
      /**
       * {@link ChunkArbiter}: each chunk of a running job waits for its cores; jobs interleave
       * chunk by chunk and yield at their chunk boundaries
       */
      CHUNK,
      /**
       * A job holds its cores from its start to its end; a higher job preempts it (stop, requeue)
       */
      JOB;

      public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }

    /** This scheduling with {@code value} as its granularity. */
    public Scheduling withGranularity(Granularity value) {
      return new Scheduling(policy, preemption, preemptionGrace, value);
    }

    /** Which {@link SchedulingPolicy} the dispatcher uses. */
    public enum Policy {
      /** {@link FairSharePolicy}: weighted fair share across tenants, aged priority within one */
      FAIR_SHARE,
      /** {@link PriorityFifoPolicy}: priority class, then submission order, across all tenants */
      PRIORITY;

      public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      }
    }

    public Scheduling {
      requireNonNull(policy, "policy is null");
      requireNonNull(preemptionGrace, "preemptionGrace is null");
      requireNonNull(granularity, "granularity is null");
      if (preemptionGrace.isNegative()) {
        throw LakeBatchErrors.usage(
            "server.scheduling.preemption-grace must not be negative: " + preemptionGrace);
      }
    }
  }

  /**
   * What one tenant may do.
   *
   * @param allowedPrefixes model, input and output paths must lie under one of these (empty: any)
   */
  public record TenantPolicy(
      List<String> allowedPrefixes,
      int requestsPerMinute,
      double weight,
      double guaranteedShare,
      double maxShare) {
    public TenantPolicy {
      allowedPrefixes = List.copyOf(allowedPrefixes);
      if (!(weight > 0) || !(guaranteedShare >= 0) || !(maxShare > 0) || maxShare > 1) {
        throw LakeBatchErrors.usage(
            "a tenant's weight must be > 0, guaranteed-share >= 0 and max-share in (0, 1]; got "
                + weight
                + ", "
                + guaranteedShare
                + ", "
                + maxShare);
      }
      if (guaranteedShare > maxShare) {
        throw LakeBatchErrors.usage(
            "a tenant's guaranteed-share "
                + guaranteedShare
                + " is above its max-share "
                + maxShare);
      }
    }

    /** Weight 1, nothing guaranteed, no maximum. */
    public TenantPolicy(List<String> allowedPrefixes, int requestsPerMinute) {
      this(allowedPrefixes, requestsPerMinute, 1, 0, 1);
    }

    /** This tenant's claim on the capacity, for the fair-share policy. */
    public TenantShare share(String tenant) {
      return new TenantShare(tenant, weight, guaranteedShare, maxShare);
    }
  }

  public ServerConfig {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(home, "home is null");
    requireNonNull(host, "host is null");
    requireNonNull(master, "master is null");
    sparkConf = Map.copyOf(sparkConf);
    requireNonNull(leaseTimeout, "leaseTimeout is null");
    requireNonNull(pollInterval, "pollInterval is null");
    tenants = Map.copyOf(tenants);
    requireNonNull(executionMode, "executionMode is null");
    requireNonNull(tls, "tls is null");
    requireNonNull(scheduling, "scheduling is null");
    if (cores < 1) {
      throw LakeBatchErrors.usage("server.cores must be >= 1, got " + cores);
    }
    if (isolatedCores < 1) {
      throw LakeBatchErrors.usage("server.isolated-cores must be >= 1, got " + isolatedCores);
    }
  }

  /** The embedded defaults for LakeBatch home {@code home}: local Spark on every core. */
  public static ServerConfig defaults(CatalogConfig catalog, Path home) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new ServerConfig(
        catalog,
        home,
        DEFAULT_HOST,
        DEFAULT_PORT,
        "local[" + cores + "]",
        cores,
        ExecutionMode.SHARED,
        cores,
        Map.of(),
        DEFAULT_LEASE_TIMEOUT,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_REQUESTS_PER_MINUTE,
        Map.of(),
        Optional.empty(),
        Scheduling.DEFAULTS);
  }

  /** The {@code server:} section of {@code file} over the defaults; its catalog from the file. */
  public static ServerConfig load(Path file, CatalogConfig fallbackCatalog, Path home) {
    JsonNode server;
    try {
      server = new YAMLMapper().readTree(file.toFile()).path("server");
    } catch (IOException e) {
      throw LakeBatchErrors.unreadableSpec(file.toString(), LakeBatchErrors.rootMessage(e), e);
    }
    ServerConfig d = defaults(CatalogConfig.fromFile(file, fallbackCatalog), home);
    if (server.isMissingNode()) {
      return d;
    }
    server
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!KEYS.contains(key)) {
                throw LakeBatchErrors.usage(
                    file + ": server." + key + " is not a setting; allowed: " + KEYS);
              }
            });
    int cores = server.path("cores").asInt(d.cores());
    Map<String, String> conf = new LinkedHashMap<>();
    server
        .path("spark-conf")
        .fields()
        .forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
    int rate = server.path("requests-per-minute").asInt(d.requestsPerMinute());
    Map<String, TenantPolicy> tenants = new HashMap<>();
    server
        .path("tenants")
        .fields()
        .forEachRemaining(
            e -> {
              List<String> prefixes = new java.util.ArrayList<>();
              e.getValue().path("allowed-prefixes").forEach(p -> prefixes.add(p.asText()));
              JsonNode t = e.getValue();
              tenants.put(
                  e.getKey(),
                  new TenantPolicy(
                      prefixes,
                      t.path("requests-per-minute").asInt(rate),
                      t.path("weight").asDouble(1),
                      t.path("guaranteed-share").asDouble(0),
                      t.path("max-share").asDouble(1)));
            });
    return new ServerConfig(
        d.catalog(),
        home,
        server.path("host").asText(d.host()),
        server.path("port").asInt(d.port()),
        server.path("master").asText("local[" + cores + "]"),
        cores,
        executionMode(server, file),
        server.path("isolated-cores").asInt(cores),
        conf,
        duration(server, "lease-timeout", d.leaseTimeout(), file),
        duration(server, "poll-interval", d.pollInterval(), file),
        server.path("max-body-bytes").asLong(d.maxBodyBytes()),
        rate,
        tenants,
        tls(server, file),
        scheduling(server.path("scheduling"), file));
  }

  /** This config on another port (0: any free one). */
  public ServerConfig withPort(int port) {
    return new Copy(this).port(port).build();
  }

  /** This config with {@code tenant}'s policy set. */
  public ServerConfig withTenant(String tenant, TenantPolicy policy) {
    Map<String, TenantPolicy> all = new HashMap<>(tenants);
    all.put(tenant, policy);
    return new Copy(this).tenants(all).build();
  }

  /** This config serving HTTPS with {@code tls}'s key. */
  public ServerConfig withTls(Tls tls) {
    return new Copy(this).tls(Optional.of(tls)).build();
  }

  /** This config with another lease timeout and poll interval. */
  public ServerConfig withLease(Duration leaseTimeout, Duration pollInterval) {
    return new Copy(this).lease(leaseTimeout, pollInterval).build();
  }

  /** This config with a shared-session capacity of {@code cores}. */
  public ServerConfig withCores(int cores) {
    return new Copy(this).cores(cores).build();
  }

  /** This config with {@code scheduling}. */
  public ServerConfig withScheduling(Scheduling scheduling) {
    return new Copy(this).scheduling(scheduling).build();
  }

  /** A config being changed from another: the {@code withX} methods set one part each. */
  private static final class Copy {
    private final ServerConfig from;
    private int port;
    private Map<String, TenantPolicy> tenants;
    private Optional<Tls> tls;
    private Duration leaseTimeout;
    private Duration pollInterval;
    private Scheduling scheduling;
    private int cores;

    Copy(ServerConfig from) {
      this.from = from;
      this.cores = from.cores;
      this.port = from.port;
      this.tenants = from.tenants;
      this.tls = from.tls;
      this.leaseTimeout = from.leaseTimeout;
      this.pollInterval = from.pollInterval;
      this.scheduling = from.scheduling;
    }

    Copy port(int value) {
      port = value;
      return this;
    }

    Copy tenants(Map<String, TenantPolicy> value) {
      tenants = value;
      return this;
    }

    Copy tls(Optional<Tls> value) {
      tls = value;
      return this;
    }

    Copy lease(Duration timeout, Duration poll) {
      leaseTimeout = timeout;
      pollInterval = poll;
      return this;
    }

    Copy scheduling(Scheduling value) {
      scheduling = value;
      return this;
    }

    Copy cores(int value) {
      cores = value;
      return this;
    }

    ServerConfig build() {
      return new ServerConfig(
          from.catalog,
          from.home,
          from.host,
          port,
          from.master,
          cores,
          from.executionMode,
          from.isolatedCores,
          from.sparkConf,
          leaseTimeout,
          pollInterval,
          from.maxBodyBytes,
          from.requestsPerMinute,
          tenants,
          tls,
          scheduling);
    }
  }

  /** The scheduling core's settings: every configured tenant's share, preemption on or off. */
  public io.lakebatch.server.scheduling.SchedulerConfig schedulerConfig() {
    io.lakebatch.server.scheduling.SchedulerConfig core =
        io.lakebatch.server.scheduling.SchedulerConfig.defaults()
            .withTenantShares(
                tenants.entrySet().stream().map(e -> e.getValue().share(e.getKey())).toList());
    return scheduling.preemption() ? core : core.withoutPreemption();
  }

  public TenantPolicy tenant(String tenant) {
    return Optional.ofNullable(tenants.get(tenant))
        .orElse(new TenantPolicy(List.of(), requestsPerMinute));
  }

  private static ExecutionMode executionMode(JsonNode server, Path file) {
    JsonNode value = server.get("execution-mode");
    if (value == null) {
      return ExecutionMode.SHARED;
    }
    return ExecutionMode.parse(value.asText())
        .orElseThrow(
            () ->
                LakeBatchErrors.usage(
                    file
                        + ": server.execution-mode must be shared or isolated, got '"
                        + value.asText()
                        + "'"));
  }

  private static Scheduling scheduling(JsonNode scheduling, Path file) {
    Scheduling d = Scheduling.DEFAULTS;
    if (scheduling.isMissingNode()) {
      return d;
    }
    scheduling
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!Set.of("policy", "preemption", "preemption-grace", "granularity")
                  .contains(key)) {
                throw LakeBatchErrors.usage(
                    file
                        + ": server.scheduling."
                        + key
                        + " is not a setting; allowed: [policy, preemption, preemption-grace,"
                        + " granularity]");
              }
            });
    JsonNode preemption = scheduling.path("preemption");
    if (!preemption.isMissingNode() && !preemption.isBoolean()) {
      throw LakeBatchErrors.usage(
          file + ": server.scheduling.preemption must be true or false, got '" + preemption + "'");
    }
    String policy = scheduling.path("policy").asText(d.policy().spelling());
    Scheduling.Policy chosen =
        java.util.Arrays.stream(Scheduling.Policy.values())
            .filter(p -> p.spelling().equals(policy))
            .findFirst()
            .orElseThrow(
                () ->
                    LakeBatchErrors.usage(
                        file
                            + ": server.scheduling.policy must be fair-share or priority, got '"
                            + policy
                            + "'"));
    String granularity = scheduling.path("granularity").asText(d.granularity().spelling());
    Scheduling.Granularity unit =
        java.util.Arrays.stream(Scheduling.Granularity.values())
            .filter(g -> g.spelling().equals(granularity))
            .findFirst()
            .orElseThrow(
                () ->
                    LakeBatchErrors.usage(
                        file
                            + ": server.scheduling.granularity must be chunk or job, got '"
                            + granularity
                            + "'"));
    return new Scheduling(
        chosen,
        preemption.asBoolean(d.preemption()),
        duration(scheduling, "server.scheduling.", "preemption-grace", d.preemptionGrace(), file),
        unit);
  }

  private static Optional<Tls> tls(JsonNode server, Path file) {
    JsonNode tls = server.get("tls");
    if (tls == null) {
      return Optional.empty();
    }
    String keystore = tls.path("keystore").asText("");
    if (keystore.isEmpty() || !tls.has("password")) {
      throw LakeBatchErrors.usage(
          file + ": server.tls needs keystore (a PKCS12 or JKS file) and password");
    }
    Path store = file.toAbsolutePath().getParent().resolve(keystore);
    if (!java.nio.file.Files.isReadable(store)) {
      throw LakeBatchErrors.usage(
          file + ": server.tls.keystore " + store + " is not a readable file");
    }
    return Optional.of(new Tls(store, tls.path("password").asText()));
  }

  private static Duration duration(JsonNode node, String key, Duration fallback, Path file) {
    return duration(node, "server.", key, fallback, file);
  }

  private static Duration duration(
      JsonNode node, String section, String key, Duration fallback, Path file) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    String text = value.asText().trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw LakeBatchErrors.usage(
          file
              + ": "
              + section
              + key
              + " must be a duration like 30s, 500ms or 2m, got '"
              + text
              + "'");
    }
  }
}
