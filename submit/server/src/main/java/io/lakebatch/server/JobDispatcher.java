package io.lakebatch.server;

import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunOptions;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.Leadership;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued jobs in the server's shared SparkSession and follows them to their end. Each tick
 * renews the leases of this server's jobs and passes cancel requests on to them; then, if this
 * server holds the leader lease (one server of those on a catalog does; the others stand by and
 * take over when it lapses), it requeues jobs whose server died and starts what the {@link
 * SchedulingPolicy} picks while cores are free, each claim fenced by the leader's epoch. A job runs
 * on a thread of its own in a FAIR scheduler pool of its own ({@code job-<id>}), so jobs share the
 * executors instead of queueing behind each other's tasks.
 */
final class JobDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);
  static final String POOL_PROPERTY = "spark.scheduler.pool";

  private final JobStore jobs;
  private final LakeBatch lakeBatch;
  private final SparkContext spark;
  private final SchedulingPolicy policy;
  private final ServerConfig config;
  private final String owner;
  private final ServerMetrics metrics;
  private final PrintStream out;
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final AtomicReference<Leadership> leadership =
      new AtomicReference<>(new Leadership(Optional.empty(), 0));
  private final Object signal = new Object();
  private boolean signalled;
  private volatile boolean stopped;
  private Thread loop;

  /** A job this server started: its cores and, once prepared, its run. */
  private record Active(ServerJob job, int cores, AtomicReference<RunHandle> run) {}

  JobDispatcher(
      JobStore jobs,
      LakeBatch lakeBatch,
      SparkContext spark,
      SchedulingPolicy policy,
      ServerConfig config,
      String owner,
      ServerMetrics metrics,
      PrintStream out) {
    this.jobs = jobs;
    this.lakeBatch = lakeBatch;
    this.spark = spark;
    this.policy = policy;
    this.config = config;
    this.owner = owner;
    this.metrics = metrics;
    this.out = out;
  }

  /** Runs a first tick (so the server knows its role when it starts answering), then the loop. */
  void start() {
    tickQuietly();
    loop = new Thread(this::loop, "lakebatch-dispatcher");
    loop.setDaemon(true);
    loop.start();
  }

  /** Runs a tick now (after a submission or a cancel) instead of at the next poll. */
  void wake() {
    synchronized (signal) {
      signalled = true;
      signal.notifyAll();
    }
  }

  /** Who led at this server's last tick. */
  Leadership leadership() {
    return leadership.get();
  }

  /** How many jobs this server is running. */
  int running() {
    return active.size();
  }

  private void loop() {
    while (!stopped) {
      tickQuietly();
      synchronized (signal) {
        if (!signalled && !stopped) {
          try {
            signal.wait(config.pollInterval().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        signalled = false;
      }
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) { // the catalog may be away for a while: try again next tick
      LOG.warn("dispatcher tick failed: {}", LakeBatchErrors.rootMessage(e));
    }
  }

  private void tick() {
    jobs.heartbeat(owner);
    Leadership now = jobs.lead(owner, config.leaseTimeout());
    Leadership before = leadership.getAndSet(now);
    if (!now.equals(before)) {
      String role =
          now.ledBy(owner)
              ? "this server leads (epoch %d): it starts the queued jobs".formatted(now.epoch())
              : "standing by (epoch %d): %s starts the queued jobs"
                  .formatted(now.epoch(), now.leader().orElse("no server"));
      LOG.info(role);
      out.println("lakebatch server: " + role);
    }
    metrics.leading(now.ledBy(owner));
    for (ServerJob job : jobs.running()) {
      Active mine = active.get(job.id());
      RunHandle run = mine == null ? null : mine.run().get();
      if (job.cancelRequested() && run != null && !run.cancelRequested()) {
        run.cancel();
      }
    }
    List<ServerJob> queued = jobs.queued();
    metrics.queued(queued);
    if (!now.ledBy(owner)) {
      return; // a standby: answers the API, runs the jobs it started while it led, starts none
    }
    List<String> requeued = jobs.requeueOrphans(config.leaseTimeout());
    requeued.forEach(id -> LOG.info("job {}: its server stopped renewing its lease; requeued", id));
    if (!requeued.isEmpty()) {
      queued = jobs.queued();
    }
    int free = config.cores() - active.values().stream().mapToInt(Active::cores).sum();
    List<ServerJob> waiting = new ArrayList<>(queued);
    Optional<ServerJob> next;
    while (!stopped && (next = policy.next(waiting, free, config.cores())).isPresent()) {
      ServerJob job = next.get();
      waiting.remove(job);
      if (jobs.claim(job.id(), owner, now.epoch())) {
        free -= start(job);
      }
    }
  }

  private int start(ServerJob job) {
    int cores = SchedulingPolicy.coresOf(job, config.cores());
    Active started = new Active(job, cores, new AtomicReference<>());
    active.put(job.id(), started);
    metrics.started(Duration.between(job.submittedAt(), Instant.now()));
    Thread thread = new Thread(() -> execute(started), "lakebatch-job-" + job.id());
    thread.setDaemon(true);
    thread.start();
    return cores;
  }

  private void execute(Active started) {
    ServerJob job = started.job();
    JobState end;
    Optional<String> message = Optional.empty();
    // inherited by the run's own thread, which the engine starts from this one
    spark.setLocalProperty(POOL_PROPERTY, "job-" + job.id());
    try {
      JobSpec spec =
          JobSpecParser.parse(
              job.specText(), job.id(), job.specText().stripLeading().startsWith("{"));
      RunHandle run = lakeBatch.run(spec, RunOptions.defaults().withListener(metrics));
      started.run().set(run);
      jobs.attachRun(job.id(), owner, run.runId());
      if (jobs.get(job.id()).map(ServerJob::cancelRequested).orElse(false)) {
        run.cancel();
      }
      RunSummary summary = run.await();
      end = JobState.valueOf(summary.state().name());
      if (!summary.failedChunks().isEmpty()) {
        message = Optional.of("failed chunks: " + String.join("; ", summary.failedChunks()));
      }
    } catch (RuntimeException e) { // the job ends FAILED with the reason; the server goes on
      end = JobState.FAILED;
      message = Optional.of(LakeBatchErrors.rootMessage(e));
      LOG.info("job {} failed: {}", job.id(), message.get());
    } finally {
      spark.setLocalProperty(POOL_PROPERTY, null);
    }
    if (stopped && end == JobState.FAILED) {
      // the server is stopping (its SparkSession with it): the job did not fail; its lease lapses
      // and a server requeues it, and its run resumes from the committed chunks
      LOG.info("job {}: left RUNNING for a server to requeue ({})", job.id(), message.orElse(""));
      active.remove(job.id());
      return;
    }
    if (!jobs.finish(job.id(), owner, end, message)) {
      LOG.warn(
          "job {}: this server no longer holds it; its end ({}) is not recorded", job.id(), end);
    }
    active.remove(job.id());
    metrics.ended(end);
    wake();
  }

  /** Stops starting jobs; running ones are left to the JVM's end (their runs resume elsewhere). */
  @Override
  public void close() {
    stopped = true;
    wake();
    if (loop != null) {
      try {
        loop.join(config.pollInterval().toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      jobs.resign(owner); // a standby takes over at its next tick instead of after the lease
    } catch (RuntimeException e) {
      LOG.warn("could not give up the leader lease: {}", LakeBatchErrors.rootMessage(e));
    }
  }
}
