package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.Priority;
import io.lakebatch.server.scheduling.SimulationReport.TenantUse;
import io.lakebatch.server.scheduling.SimulationTrace.TracedJob;
import io.lakebatch.server.scheduling.SimulationTrace.WorkerFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Replays a {@link SimulationTrace} against a {@link ChunkScheduler} on a fake clock, as a
 * discrete-event simulation: job arrivals, chunk completions, worker failures and recoveries are
 * events in time order; after each instant's events the scheduler runs one round, its preemptions
 * stop chunks (their work so far is lost, the chunk waits again) and its grants start chunks. A
 * failed worker loses its running chunks the same way. Pure and deterministic: the same trace and
 * scheduler give the same report.
 */
public final class SchedulerSimulation {
  private final SimulationTrace trace;

  public SchedulerSimulation(SimulationTrace trace) {
    this.trace = requireNonNull(trace, "trace is null");
  }

  /** The trace it replays. */
  public SimulationTrace trace() {
    return trace;
  }

  /** Runs the trace to its last completion under {@code scheduler}. */
  public SimulationReport run(ChunkScheduler scheduler) {
    return new Run(scheduler, scheduler.name(), false).run();
  }

  /**
   * Runs the trace in job granularity, as a server that schedules whole jobs does: {@code
   * scheduler} grants a job one chunk; the job then holds that chunk's demand on that worker from
   * its first chunk to its last, running its chunks one after another. A preempted or failed chunk
   * loses only itself; the job then waits for a new grant. The report is named {@code <scheduler>,
   * whole jobs}.
   */
  public SimulationReport runWholeJobs(ChunkScheduler scheduler) {
    return new Run(scheduler, scheduler.name() + ", whole jobs", true).run();
  }

  // Kinds in the order they apply at the same instant: capacity frees before work arrives.
  private static final int CHUNK_DONE = 0;
  private static final int WORKER_UP = 1;
  private static final int WORKER_FAILS = 2;
  private static final int JOB_ARRIVES = 3;

  private record Event(long at, int kind, long sequence, long subject)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(at, other.at);
      if (byTime != 0) {
        return byTime;
      }
      int byKind = Integer.compare(kind, other.kind);
      return byKind != 0 ? byKind : Long.compare(sequence, other.sequence);
    }
  }

  private final class Run {
    final ChunkScheduler scheduler;
    final String name;
    final boolean wholeJobs;
    final WorkerPool pool = trace.cluster().pool();
    final Allocations running = new Allocations();
    final WaitingJobs waiting = new WaitingJobs();
    final PriorityQueue<Event> events = new PriorityQueue<>();
    final Map<String, Integer> jobIndex = new HashMap<>();
    final int[] completed;
    final long[] firstStart;
    final long[] finishedAt;
    final String[] tenants;
    final double[] weights;
    final double[] maximums;
    final Map<String, Integer> tenantIndex = new HashMap<>();
    final long[] usedCoreMillis;
    final double[] fairCoreMillis;
    final double[] gapCoreMillis;
    long sequence;
    long nextChunkId;
    long now;
    int completedJobs;
    long completedChunks;
    long startedChunks;
    long activeCapacityCoreMillis;
    long busyCoreMillis;
    double activeMemory;
    double busyMemory;
    double contendedCoreMillis;
    long preemptions;
    long preemptedCoreMillis;
    int failures;
    long failedChunks;
    long failedCoreMillis;

    Run(ChunkScheduler scheduler, String name, boolean wholeJobs) {
      this.scheduler = requireNonNull(scheduler, "scheduler is null");
      this.name = name;
      this.wholeJobs = wholeJobs;
      List<TracedJob> jobs = trace.jobs();
      completed = new int[jobs.size()];
      firstStart = new long[jobs.size()];
      finishedAt = new long[jobs.size()];
      Arrays.fill(firstStart, -1);
      for (int i = 0; i < jobs.size(); i++) {
        jobIndex.put(jobs.get(i).job().id(), i);
        push(jobs.get(i).job().submittedAt(), JOB_ARRIVES, i);
      }
      for (int i = 0; i < trace.failures().size(); i++) {
        push(trace.failures().get(i).at(), WORKER_FAILS, i);
      }
      List<TenantShare> shares = trace.shares();
      tenants = new String[shares.size()];
      weights = new double[shares.size()];
      maximums = new double[shares.size()];
      for (int t = 0; t < shares.size(); t++) {
        tenants[t] = shares.get(t).tenant();
        weights[t] = shares.get(t).weight();
        maximums[t] = shares.get(t).maximum();
        tenantIndex.put(tenants[t], t);
      }
      for (TracedJob job : jobs) {
        if (!tenantIndex.containsKey(job.job().tenant())) {
          throw new IllegalArgumentException(
              "Invalid trace (tenant %s of job %s has no share)"
                  .formatted(job.job().tenant(), job.job().id()));
        }
      }
      usedCoreMillis = new long[tenants.length];
      fairCoreMillis = new double[tenants.length];
      gapCoreMillis = new double[tenants.length];
    }

    void push(long at, int kind, long subject) {
      events.add(new Event(at, kind, sequence++, subject));
    }

    SimulationReport run() {
      int jobCount = trace.jobs().size();
      while (!events.isEmpty() && completedJobs < jobCount) {
        long at = events.peek().at();
        account(at - now);
        now = at;
        while (!events.isEmpty() && events.peek().at() == now) {
          handle(events.poll());
        }
        if (!waiting.isEmpty()) {
          apply(scheduler.schedule(now, pool, running, waiting));
        }
      }
      if (completedJobs < jobCount) {
        throw new IllegalStateException(
            "Scheduler %s left %d of %d jobs unfinished with nothing running"
                .formatted(scheduler.name(), jobCount - completedJobs, jobCount));
      }
      return report();
    }

    void handle(Event event) {
      switch (event.kind()) {
        case JOB_ARRIVES -> arrive(trace.jobs().get((int) event.subject()).job());
        case CHUNK_DONE -> complete(event.subject());
        case WORKER_FAILS -> fail(trace.failures().get((int) event.subject()));
        case WORKER_UP -> pool.markUp((int) event.subject());
        default -> throw new IllegalStateException("Unknown event kind " + event.kind());
      }
    }

    void arrive(SchedulableJob job) {
      if (wholeJobs) {
        waiting.addChunks(job, 1);
      } else {
        waiting.add(job);
      }
    }

    void complete(long chunkId) {
      RunningChunk chunk = running.remove(chunkId);
      if (chunk == null) {
        return; // preempted or lost with its worker; a later start has its own id
      }
      pool.release(chunk.worker(), chunk.demand());
      int job = jobIndex.get(chunk.job().id());
      completed[job]++;
      completedChunks++;
      if (completed[job] > chunk.job().chunkCount()) {
        throw new IllegalStateException(
            "Job %s completed a chunk twice".formatted(chunk.job().id()));
      }
      if (completed[job] == chunk.job().chunkCount()) {
        finishedAt[job] = now;
        completedJobs++;
      } else if (wholeJobs) {
        // The job keeps what it holds: its next chunk starts in the same place.
        pool.take(chunk.worker(), chunk.demand());
        start(chunk.job(), chunk.worker(), job);
      }
    }

    void fail(WorkerFailure failure) {
      int worker = failure.worker();
      if (!pool.isUp(worker)) {
        return;
      }
      for (RunningChunk chunk : List.copyOf(running.onWorker(worker))) {
        stop(chunk);
        failedChunks++;
        failedCoreMillis += (now - chunk.startedAt()) * chunk.demand().cores();
      }
      pool.markDown(worker);
      failures++;
      push(now + failure.downMillis(), WORKER_UP, worker);
    }

    void stop(RunningChunk chunk) {
      if (running.remove(chunk.id()) == null) {
        throw new IllegalStateException("Chunk %d is not running".formatted(chunk.id()));
      }
      pool.release(chunk.worker(), chunk.demand());
      waiting.addChunks(chunk.job(), 1);
    }

    void apply(SchedulingDecision decision) {
      for (Preemption preemption : decision.preemptions()) {
        RunningChunk chunk = preemption.chunk();
        stop(chunk);
        preemptions++;
        preemptedCoreMillis += (now - chunk.startedAt()) * chunk.demand().cores();
      }
      for (Grant grant : decision.grants()) {
        SchedulableJob job = waiting.takeChunk(grant.jobId());
        if (!job.chunkDemand().equals(grant.demand())) {
          throw new IllegalStateException(
              "Grant for job %s asks %s, its chunks need %s"
                  .formatted(job.id(), grant.demand(), job.chunkDemand()));
        }
        pool.take(grant.worker(), grant.demand());
        start(job, grant.worker(), jobIndex.get(job.id()));
      }
    }

    /** Starts a chunk of {@code job}, whose demand {@code worker} already holds for it. */
    void start(SchedulableJob job, int worker, int index) {
      RunningChunk chunk = new RunningChunk(nextChunkId++, job, worker, now);
      running.add(chunk);
      startedChunks++;
      if (firstStart[index] < 0) {
        firstStart[index] = now;
      }
      push(now + trace.jobs().get(index).chunkMillis(), CHUNK_DONE, chunk.id());
    }

    /**
     * Adds the state since the last instant, constant over {@code elapsed}. While contended (more
     * cores asked for, running or waiting, than up), each tenant's cores are set against its
     * weighted max-min fair division of the cores then in use, capped by its demand and maximum;
     * cores in use beyond what those caps cover (only a scheduler that exceeds maxima uses them)
     * are divided over the demand above the maxima, as work-conserving maxima would lend them.
     */
    void account(long elapsed) {
      if (elapsed <= 0 || (running.size() == 0 && waiting.isEmpty())) {
        return;
      }
      int capacity = pool.capacity().cores();
      int busy = capacity - pool.free().cores();
      activeCapacityCoreMillis += (long) capacity * elapsed;
      busyCoreMillis += (long) busy * elapsed;
      long memory = pool.capacity().memoryMb();
      activeMemory += (double) memory * elapsed;
      busyMemory += (double) (memory - pool.free().memoryMb()) * elapsed;

      long asked = busy;
      for (String tenant : waiting.tenants()) {
        asked += waiting.demandOf(tenant).cores();
      }
      if (asked <= capacity || busy == 0) {
        return;
      }
      double[] demand = new double[tenants.length];
      int[] used = new int[tenants.length];
      for (String tenant : waiting.tenants()) {
        demand[tenantIndex.get(tenant)] += waiting.demandOf(tenant).cores();
      }
      for (String tenant : running.tenants()) {
        int t = tenantIndex.get(tenant);
        used[t] = running.usageOf(tenant).cores();
        demand[t] += used[t];
      }
      double[] caps = new double[tenants.length];
      for (int t = 0; t < tenants.length; t++) {
        caps[t] = Math.min(demand[t], maximums[t] * capacity);
      }
      double[] fair = WeightedMaxMin.divide(busy, weights, caps);
      double divided = 0;
      for (double part : fair) {
        divided += part;
      }
      if (busy - divided > 1e-6) {
        // Cores in use beyond what the maxima allow: capacity no capped demand could take, lent
        // (under work-conserving maxima) to demand above the maxima, by weight.
        double[] above = new double[tenants.length];
        for (int t = 0; t < tenants.length; t++) {
          above[t] = demand[t] - fair[t];
        }
        double[] lent = WeightedMaxMin.divide(busy - divided, weights, above);
        for (int t = 0; t < tenants.length; t++) {
          fair[t] += lent[t];
        }
      }
      for (int t = 0; t < tenants.length; t++) {
        usedCoreMillis[t] += (long) used[t] * elapsed;
        fairCoreMillis[t] += fair[t] * elapsed;
        gapCoreMillis[t] += Math.abs(used[t] - fair[t]) * elapsed;
      }
      contendedCoreMillis += (double) busy * elapsed;
    }

    SimulationReport report() {
      List<TracedJob> jobs = trace.jobs();
      Map<Priority, List<Long>> completion = new EnumMap<>(Priority.class);
      List<Long> lowWaits = new ArrayList<>();
      long firstSubmit = jobs.isEmpty() ? 0 : jobs.get(0).job().submittedAt();
      long lastFinish = 0;
      for (int i = 0; i < jobs.size(); i++) {
        SchedulableJob job = jobs.get(i).job();
        completion
            .computeIfAbsent(job.priority(), p -> new ArrayList<>())
            .add(finishedAt[i] - job.submittedAt());
        if (job.priority() == Priority.LOW) {
          lowWaits.add(firstStart[i] - job.submittedAt());
        }
        lastFinish = Math.max(lastFinish, finishedAt[i]);
      }
      Map<Priority, Long> p50 = new EnumMap<>(Priority.class);
      Map<Priority, Long> p95 = new EnumMap<>(Priority.class);
      completion.forEach(
          (priority, times) -> {
            times.sort(null);
            p50.put(priority, percentile(times, 0.50));
            p95.put(priority, percentile(times, 0.95));
          });
      lowWaits.sort(null);
      List<TenantUse> uses = new ArrayList<>();
      for (int t = 0; t < tenants.length; t++) {
        double share = contendedCoreMillis == 0 ? 0 : usedCoreMillis[t] / contendedCoreMillis;
        double fair = contendedCoreMillis == 0 ? 0 : fairCoreMillis[t] / contendedCoreMillis;
        double gap = contendedCoreMillis == 0 ? 0 : gapCoreMillis[t] / contendedCoreMillis;
        uses.add(new TenantUse(tenants[t], weights[t], share, fair, gap));
      }
      return new SimulationReport(
          name,
          jobs.size(),
          completedJobs,
          trace.totalChunks(),
          completedChunks,
          startedChunks,
          lastFinish - firstSubmit,
          activeCapacityCoreMillis == 0 ? 0 : (double) busyCoreMillis / activeCapacityCoreMillis,
          activeMemory == 0 ? 0 : busyMemory / activeMemory,
          busyCoreMillis,
          usefulCoreMillis(),
          p50,
          p95,
          percentile(lowWaits, 0.95),
          lowWaits.isEmpty() ? 0 : lowWaits.get(lowWaits.size() - 1),
          uses,
          preemptions,
          preemptedCoreMillis,
          failures,
          failedChunks,
          failedCoreMillis);
    }

    long usefulCoreMillis() {
      long useful = 0;
      List<TracedJob> jobs = trace.jobs();
      for (int i = 0; i < jobs.size(); i++) {
        useful +=
            completed[i] * jobs.get(i).chunkMillis() * jobs.get(i).job().chunkDemand().cores();
      }
      return useful;
    }
  }

  /** The nearest-rank percentile of sorted {@code values}. */
  static long percentile(List<Long> sorted, double fraction) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(fraction * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** Runs each scheduler on the same trace. */
  public List<SimulationReport> runAll(Collection<? extends ChunkScheduler> schedulers) {
    List<SimulationReport> reports = new ArrayList<>();
    for (ChunkScheduler scheduler : schedulers) {
      reports.add(run(scheduler));
    }
    return reports;
  }
}
