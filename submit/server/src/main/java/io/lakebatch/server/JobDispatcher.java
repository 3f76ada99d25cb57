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
import io.lakebatch.catalog.spec.ExecutionMode;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.server.scheduling.ChunkScheduler;
import io.lakebatch.server.scheduling.FairShareScheduler;
import io.lakebatch.server.scheduling.StrictPriorityScheduler;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued jobs and follows them to their end: a {@code shared} job in the server's own
 * SparkSession, an {@code isolated} one as a Spark application of its own ({@link IsolatedJob}),
 * each mode with a core capacity of its own. Each tick renews the leases of this server's jobs and
 * passes cancel requests on to them; then, if this server holds the leader lease (one server of
 * those on a catalog does; the others stand by and take over when it lapses), it requeues jobs
 * whose server died and starts what the {@link SchedulingPolicy} picks while cores are free, each
 * claim fenced by the leader's epoch. A job runs on a thread of its own in a FAIR scheduler pool of
 * its own ({@code job-<id>}), so jobs share the executors instead of queueing behind each other's
 * tasks.
 */
final class JobDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);
  static final String POOL_PROPERTY = "spark.scheduler.pool";

  private final JobStore jobs;
  private final RunStore runs;
  private final LakeBatch lakeBatch;
  private final Optional<IsolatedLauncher> launcher;
  private final SparkContext spark;
  private final SchedulingPolicy policy;
  private final JobDependencies dependencies;
  private final ServerConfig config;
  private final String owner;
  private final ServerMetrics metrics;
  private final PrintStream out;
  private final Optional<ChunkArbiter> chunks;
  private final Optional<ChunkActivity> activity;
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final AtomicReference<Leadership> leadership =
      new AtomicReference<>(new Leadership(Optional.empty(), 0));
  private final Object signal = new Object();
  private boolean signalled;
  private volatile boolean stopped;
  private Thread loop;

  /**
   * A job this server started: its cores and, once prepared, its run (shared) or its child process
   * (isolated).
   */
  private record Active(
      ServerJob job,
      int cores,
      AtomicReference<RunHandle> run,
      AtomicReference<IsolatedJob> child,
      AtomicReference<Preempted> preempted) {

    Active(ServerJob job, int cores) {
      this(job, cores, new AtomicReference<>(), new AtomicReference<>(), new AtomicReference<>());
    }

    boolean stopping() {
      return preempted.get() != null;
    }

    /** Passes a cancel request on: the run stops after its current chunk. */
    void cancel(Optional<String> runId, RunStore runs) {
      RunHandle handle = run.get();
      if (handle != null && !handle.cancelRequested()) {
        handle.cancel();
      }
      IsolatedJob isolated = child.get();
      if (isolated != null) {
        isolated.cancel(runId, runs);
      }
    }
  }

  JobDispatcher(
      JobStore jobs,
      RunStore runs,
      LakeBatch lakeBatch,
      Optional<IsolatedLauncher> launcher,
      SparkContext spark,
      SchedulingPolicy policy,
      ServerConfig config,
      String owner,
      ServerMetrics metrics,
      PrintStream out) {
    this.jobs = jobs;
    this.runs = runs;
    this.lakeBatch = lakeBatch;
    this.launcher = launcher;
    this.spark = spark;
    this.policy = policy;
    this.dependencies = new JobDependencies(jobs);
    this.config = config;
    this.owner = owner;
    this.metrics = metrics;
    this.out = out;
    if (config.scheduling().granularity() == ServerConfig.Scheduling.Granularity.CHUNK) {
      AtomicReference<ChunkArbiter> arbiter = new AtomicReference<>();
      ChunkActivity tasks = new ChunkActivity(() -> arbiter.get().rebalance());
      arbiter.set(
          new ChunkArbiter(
              chunkScheduler(config), config.cores(), Clock.systemUTC(), tasks, this::wake));
      spark.addSparkListener(tasks);
      this.activity = Optional.of(tasks);
      this.chunks = Optional.of(arbiter.get());
      metrics.chunkArbiter(arbiter.get());
    } else {
      this.activity = Optional.empty();
      this.chunks = Optional.empty();
    }
  }

  /** The chunk-level core of the configured policy (the one the scheduler simulation measures). */
  private static ChunkScheduler chunkScheduler(ServerConfig config) {
    return config.scheduling().policy() == ServerConfig.Scheduling.Policy.PRIORITY
        ? new StrictPriorityScheduler()
        : new FairShareScheduler(config.schedulerConfig());
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
    List<ServerJob> running = jobs.running();
    for (ServerJob job : running) {
      Active mine = active.get(job.id());
      if (mine != null && job.cancelRequested()) {
        mine.cancel(job.runId(), runs);
      }
    }
    followPreemptions(running);
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
    queued = upstreamReady(queued);
    if (chunks.isPresent()) {
      admitChunkwise(queued, chunks.get(), now.epoch());
    } else {
      admit(queued, ExecutionMode.SHARED, config.cores(), now.epoch());
    }
    admit(queued, ExecutionMode.ISOLATED, config.isolatedCores(), now.epoch());
  }

  /**
   * The queued jobs whose upstream jobs have all SUCCEEDED. A job whose upstream ended otherwise
   * ends UPSTREAM_FAILED here, naming it (and its own downstream jobs follow at the next tick).
   */
  private List<ServerJob> upstreamReady(List<ServerJob> queued) {
    List<ServerJob> ready = new ArrayList<>(queued.size());
    boolean ended = false;
    for (ServerJob job : queued) {
      if (job.dependsOn().isEmpty()) {
        ready.add(job);
        continue;
      }
      JobDependencies.Upstream upstream = dependencies.upstream(job);
      switch (upstream.verdict()) {
        case READY -> ready.add(job);
        case WAIT -> {}
        case FAILED -> {
          if (jobs.endQueued(job.id(), JobState.UPSTREAM_FAILED, upstream.detail())) {
            LOG.info("job {}: {}", job.id(), upstream.detail());
            metrics.endedWithoutStarting(JobState.UPSTREAM_FAILED);
            ended = true;
          }
        }
      }
    }
    if (ended) {
      wake(); // the jobs downstream of those that just ended are judged at the next tick
    }
    return ready;
  }

  /** Why and since when the scheduler is stopping a running job for another. */
  private record Preempted(String reason, Instant at, AtomicBoolean killed) {}

  /**
   * Starts the queued jobs of {@code mode} the policy picks while their cores fit {@code total}.
   */
  private void admit(List<ServerJob> queued, ExecutionMode mode, int total, long epoch) {
    List<ServerJob> waiting =
        new ArrayList<>(queued.stream().filter(j -> j.executionMode() == mode).toList());
    int free =
        total
            - active.values().stream()
                .filter(a -> a.job().executionMode() == mode)
                .mapToInt(Active::cores)
                .sum();
    Optional<ServerJob> next;
    while (!stopped
        && !waiting.isEmpty()
        && (next = policy.next(waiting, runningJobs(mode), free, total)).isPresent()) {
      ServerJob job = next.get();
      waiting.remove(job);
      if (jobs.claim(job.id(), owner, epoch)) {
        // as claimed: started now, this start counted (the policies weigh running jobs by their
        // start; an isolated job names its console output by its attempt)
        ServerJob claimed = jobs.get(job.id()).orElseThrow();
        free -= start(claimed, SchedulingPolicy.coresOf(job, total));
      }
    }
    if (!stopped && !waiting.isEmpty() && config.scheduling().preemption()) {
      preempt(waiting, mode, free, total);
    }
  }

  /**
   * Starts the queued shared jobs the chunk arbiter grants a first chunk (it also hands the running
   * jobs' waiting chunks what is free, aged to now). No job is stopped for another: a job's chunks
   * go to whom the policy ranks first at each chunk boundary.
   */
  private void admitChunkwise(List<ServerJob> queued, ChunkArbiter arbiter, long epoch) {
    List<ServerJob> shared =
        queued.stream().filter(j -> j.executionMode() == ExecutionMode.SHARED).toList();
    for (ServerJob job : arbiter.admit(shared)) {
      if (!stopped && jobs.claim(job.id(), owner, epoch)) {
        start(jobs.get(job.id()).orElseThrow(), SchedulingPolicy.coresOf(job, config.cores()));
      } else {
        arbiter.forget(job.id());
      }
    }
  }

  private List<ServerJob> runningJobs(ExecutionMode mode) {
    return active.values().stream()
        .map(Active::job)
        .filter(j -> j.executionMode() == mode)
        .toList();
  }

  /**
   * Asks the running jobs the policy names to stop at their next chunk boundary, so that the job it
   * would start next fits. Jobs already stopping count as free cores: they are not stopped twice.
   */
  private void preempt(List<ServerJob> waiting, ExecutionMode mode, int free, int total) {
    List<Active> ofMode =
        active.values().stream().filter(a -> a.job().executionMode() == mode).toList();
    int soonFree = free + ofMode.stream().filter(Active::stopping).mapToInt(Active::cores).sum();
    List<ServerJob> candidates =
        ofMode.stream().filter(a -> !a.stopping()).map(Active::job).toList();
    policy
        .preemption(waiting, candidates, soonFree, total)
        .ifPresent(
            p -> {
              String reason =
                  "preempted at a chunk boundary ("
                      + p.reason()
                      + "); queued again, it resumes from its committed chunks";
              for (ServerJob victim : p.victims()) {
                Active running = active.get(victim.id());
                if (running != null
                    && running
                        .preempted()
                        .compareAndSet(
                            null, new Preempted(reason, Instant.now(), new AtomicBoolean()))) {
                  LOG.info("job {}: {}", victim.id(), reason);
                  running.cancel(victim.runId(), runs);
                }
              }
            });
  }

  /**
   * Keeps asking preempted jobs to stop (a run prepared after the first request gets it too) and,
   * past the grace, kills their running chunks: only those chunks' uncommitted work is lost.
   */
  private void followPreemptions(List<ServerJob> running) {
    Duration grace = config.scheduling().preemptionGrace();
    for (ServerJob job : running) {
      Active mine = active.get(job.id());
      Preempted preempted = mine == null ? null : mine.preempted().get();
      if (preempted == null) {
        continue;
      }
      mine.cancel(job.runId(), runs);
      boolean overdue =
          !grace.isZero() && Duration.between(preempted.at(), Instant.now()).compareTo(grace) >= 0;
      if (overdue && preempted.killed().compareAndSet(false, true)) {
        LOG.info(
            "job {}: not at a chunk boundary {} after its preemption; killing its running chunks",
            job.id(),
            grace);
        IsolatedJob child = mine.child().get();
        if (child != null) {
          child.kill();
        } else {
          job.runId().ifPresent(run -> spark.cancelJobGroup("lakebatch-" + run));
        }
      }
    }
  }

  private int start(ServerJob job, int cores) {
    Active started = new Active(job, cores);
    active.put(job.id(), started);
    metrics.started(Duration.between(job.submittedAt(), Instant.now()));
    Thread thread = new Thread(() -> execute(started), "lakebatch-job-" + job.id());
    thread.setDaemon(true);
    thread.start();
    return cores;
  }

  private void execute(Active started) {
    ServerJob job = started.job();
    JobOutcome outcome;
    try {
      JobSpec spec =
          JobSpecParser.parse(
              job.specText(), job.id(), job.specText().stripLeading().startsWith("{"));
      outcome =
          job.executionMode() == ExecutionMode.ISOLATED
              ? runIsolated(started, spec)
              : runShared(started, spec);
    } catch (RuntimeException e) { // the job ends FAILED with the reason; the server goes on
      outcome = JobOutcome.failed(LakeBatchErrors.rootMessage(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = JobOutcome.failed("the server stopped supervising it");
    }
    chunks.ifPresent(arbiter -> arbiter.forget(job.id()));
    JobState end = outcome.state();
    Optional<String> message = outcome.message();
    if (end == JobState.FAILED) {
      LOG.info("job {} failed: {}", job.id(), message.orElse(""));
    }
    if (stopped && end == JobState.FAILED) {
      // the server is stopping (its SparkSession with it): the job did not fail; its lease lapses
      // and a server requeues it, and its run resumes from the committed chunks
      LOG.info("job {}: left RUNNING for a server to requeue ({})", job.id(), message.orElse(""));
      active.remove(job.id());
      return;
    }
    Preempted preempted = started.preempted().get();
    if (preempted != null
        && end != JobState.SUCCEEDED
        && jobs.requeuePreempted(job.id(), owner, preempted.reason())) {
      LOG.info("job {}: stopped for its preemption ({}); queued again", job.id(), end);
      active.remove(job.id());
      metrics.preempted();
      wake();
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

  /** Runs {@code spec} in the shared SparkSession, in the job's own FAIR pool. */
  private JobOutcome runShared(Active started, JobSpec spec) {
    ServerJob job = started.job();
    // inherited by the run's own thread, which the engine starts from this one
    spark.setLocalProperty(POOL_PROPERTY, "job-" + job.id());
    try {
      RunOptions options = RunOptions.defaults().withListener(metrics);
      if (chunks.isPresent()) {
        options = options.withChunkGate(chunks.get().gateFor(job));
      }
      RunHandle run = lakeBatch.run(spec, options);
      started.run().set(run);
      jobs.attachRun(job.id(), owner, run.runId());
      if (started.stopping() || jobs.get(job.id()).map(ServerJob::cancelRequested).orElse(false)) {
        run.cancel();
      }
      RunSummary summary = run.await();
      return new JobOutcome(
          JobState.valueOf(summary.state().name()),
          summary.failedChunks().isEmpty()
              ? Optional.empty()
              : Optional.of("failed chunks: " + String.join("; ", summary.failedChunks())));
    } finally {
      spark.setLocalProperty(POOL_PROPERTY, null);
    }
  }

  /**
   * Runs {@code spec} as a Spark application of its own; the child attaches its run to the job, and
   * a cancel reaches it through the catalog.
   */
  private JobOutcome runIsolated(Active started, JobSpec spec) throws InterruptedException {
    IsolatedLauncher isolated =
        launcher.orElseThrow(
            () ->
                LakeBatchErrors.usage(
                    "this server cannot start isolated jobs (it was started without a launcher);"
                        + " start it with ./lakebatch server, or submit the job with"
                        + " resources.execution-mode: shared"));
    IsolatedJob child = IsolatedJob.start(started.job(), spec, isolated, config, owner);
    started.child().set(child);
    if (stopped) {
      child.kill(); // close() may have looked at the children before this one was set
    }
    return child.await();
  }

  /**
   * Stops starting jobs and stops this server's isolated children; shared runs are left to the
   * JVM's end. Either way their leases lapse and their runs resume elsewhere from their committed
   * chunks.
   */
  @Override
  public void close() {
    stopped = true;
    wake();
    activity.ifPresent(spark::removeSparkListener);
    active.values().stream()
        .map(a -> a.child().get())
        .filter(java.util.Objects::nonNull)
        .forEach(IsolatedJob::kill);
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
