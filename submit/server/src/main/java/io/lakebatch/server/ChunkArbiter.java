package io.lakebatch.server;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.ChunkGate;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.server.scheduling.Allocations;
import io.lakebatch.server.scheduling.ChunkScheduler;
import io.lakebatch.server.scheduling.Demand;
import io.lakebatch.server.scheduling.Grant;
import io.lakebatch.server.scheduling.RunningChunk;
import io.lakebatch.server.scheduling.SchedulableJob;
import io.lakebatch.server.scheduling.SchedulingDecision;
import io.lakebatch.server.scheduling.WaitingJobs;
import io.lakebatch.server.scheduling.WorkerPool;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Hands the shared SparkSession's cores out chunk by chunk ({@code scheduling.granularity: chunk}):
 * a running job asks, through its {@link ChunkGate}, before each chunk, and the {@link
 * ChunkScheduler} the scheduler simulation measures decides which waiting chunk gets the cores that
 * are free — so chunks of different jobs interleave by the policy, several chunks of one job run at
 * once when cores are free, and a job of a higher class or an under-share tenant gets the cores at
 * the next chunk boundary of the jobs holding them, without stopping or requeueing them. A queued
 * job is admitted (started) only when the scheduler grants it a chunk; the grant is held for it
 * while its run is prepared. The scheduler weighs every chunk by its full grant, so the shares hold
 * whatever the chunks do; while no other job waits, the cores a chunk leaves idle as it runs its
 * last tasks or commits ({@link ChunkActivity}) go to its own job's next chunk, one such successor
 * per granted chunk, so a straggler does not idle the cores and commits overlap the next tasks.
 *
 * <p>The server's capacity is one pool of {@code cores} (Spark places the tasks); each chunk of a
 * job asks for the job's cores (executors × executor cores), at most the capacity.
 */
final class ChunkArbiter {
  private final ChunkScheduler scheduler;
  private final int totalCores;
  private final Clock clock;
  private final ChunkUse activity;
  private final Runnable onAdmission;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, ServerJob> queued = new LinkedHashMap<>();
  private final Map<String, ServerJob> admitted = new LinkedHashMap<>();
  private long nextPermit;

  /**
   * @param activity how many cores a running chunk (its Spark job tag) still uses of its grant
   * @param onAdmission told when a queued job was granted its first chunk between two {@link
   *     #admit} calls (so the dispatcher starts it now)
   */
  ChunkArbiter(
      ChunkScheduler scheduler,
      int totalCores,
      Clock clock,
      ChunkUse activity,
      Runnable onAdmission) {
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    if (totalCores < 1) {
      throw new IllegalArgumentException("totalCores must be positive: " + totalCores);
    }
    this.totalCores = totalCores;
    this.clock = requireNonNull(clock, "clock is null");
    this.activity = requireNonNull(activity, "activity is null");
    this.onAdmission = requireNonNull(onAdmission, "onAdmission is null");
  }

  /** A job this arbiter knows: admitted, or running with chunks held and asked for. */
  private final class Entry {
    final SchedulableJob job;
    final Deque<Request> asked = new ArrayDeque<>();
    final Map<Long, Held> held = new LinkedHashMap<>();
    Held reservation; // granted at admission, taken by the run's first request

    Entry(SchedulableJob job) {
      this.job = job;
    }
  }

  private record Request(String tag, CompletableFuture<ChunkGate.Permit> future) {}

  /** Cores held by one chunk (or by an admitted job whose run is being prepared: no tag yet). */
  private final class Held implements ChunkGate.Permit {
    final long id = nextPermit++;
    final Entry entry;
    final long startedAt = clock.millis();
    String tag;
    boolean closed;
    boolean successor; // granted on its own job's idle cores, not by the scheduler

    Held(Entry entry, String tag) {
      this.entry = entry;
      this.tag = tag;
    }

    @Override
    public Optional<String> schedulerPool() {
      return Optional.ofNullable(tag);
    }

    int cores() {
      int granted = entry.job.chunkDemand().cores();
      return tag == null ? granted : activity.coresInUse(tag, granted);
    }

    @Override
    public void close() {
      synchronized (ChunkArbiter.this) {
        if (closed) {
          return;
        }
        closed = true;
        entry.held.remove(id);
        if (!successor) { // a successor of the job's takes this chunk's place as granted
          entry.held.values().stream()
              .filter(h -> h.successor)
              .findFirst()
              .ifPresent(h -> h.successor = false);
        }
      }
      if (tag != null) {
        activity.forget(tag);
      }
      rebalance();
    }
  }

  /** The gate of {@code job}'s run, once {@link #admit} admitted it. */
  ChunkGate gateFor(ServerJob job) {
    int perChunk = SchedulingPolicy.coresOf(job, totalCores);
    // room for a successor per granted chunk: it fills the chunk's tail and its commit
    int maxInFlight = Math.min(16, Math.max(2, 2 * totalCores / perChunk));
    String id = job.id();
    return new ChunkGate() {
      @Override
      public int maxInFlight() {
        return maxInFlight;
      }

      @Override
      public CompletableFuture<Permit> request(String runId, int chunk) {
        return ChunkArbiter.this.request(id, ChunkGate.sparkJobTag(runId, chunk));
      }
    };
  }

  /**
   * The queued jobs to start now: those the scheduler granted a chunk since the last call (or
   * grants one now), with the running jobs asking for theirs. {@code queued} is kept as the jobs
   * waiting to start until the next call, so a chunk boundary between two calls gives its cores to
   * one of them if the policy ranks it first ({@code onAdmission} is then told, to call this
   * again). Each job returned is held a chunk's cores until its run asks for its first chunk (or
   * {@link #forget} is called, if it does not start after all).
   */
  List<ServerJob> admit(List<ServerJob> queuedJobs) {
    List<ServerJob> admittedNow;
    synchronized (this) {
      queued.clear();
      for (ServerJob job : queuedJobs) {
        if (!entries.containsKey(job.id())) {
          queued.put(job.id(), job);
        }
      }
      // granted to a job that is no longer queued (cancelled, taken by another server): give back
      for (var it = admitted.keySet().iterator(); it.hasNext(); ) {
        String id = it.next();
        if (queuedJobs.stream().noneMatch(j -> j.id().equals(id))) {
          entries.remove(id);
          it.remove();
        }
      }
    }
    rebalance();
    synchronized (this) {
      admittedNow = new ArrayList<>(admitted.values());
      admitted.clear();
    }
    return admittedNow;
  }

  /** Forgets {@code jobId} (it ended, or was not started): its cores and requests go back. */
  void forget(String jobId) {
    List<Request> dropped;
    synchronized (this) {
      admitted.remove(jobId);
      queued.remove(jobId);
      Entry entry = entries.remove(jobId);
      if (entry == null) {
        return;
      }
      dropped = new ArrayList<>(entry.asked);
      entry.asked.clear();
      entry.held.clear();
    }
    dropped.forEach(r -> r.future().cancel(false));
    rebalance();
  }

  /** The cores held now, as the scheduler sees them (a chunk in its tail counts what it uses). */
  synchronized int coresHeld() {
    return entries.values().stream()
        .flatMap(e -> e.held.values().stream())
        .mapToInt(Held::cores)
        .sum();
  }

  /** Chunks waiting for cores, over every running job. */
  synchronized int chunksWaiting() {
    return entries.values().stream().mapToInt(e -> e.asked.size()).sum();
  }

  /**
   * Grants what the scheduler grants now: waiting chunks of running jobs get their permits, and a
   * queued job it picks is admitted (held its first chunk's cores until {@link #admit} hands it to
   * the dispatcher).
   */
  void rebalance() {
    List<Runnable> completions = new ArrayList<>();
    boolean admittedOne = false;
    synchronized (this) {
      boolean asking = entries.values().stream().anyMatch(e -> !e.asked.isEmpty());
      if (!asking && queued.isEmpty()) {
        return;
      }
      Round round = new Round();
      queued
          .values()
          .forEach(job -> round.waiting.add(SchedulingPolicy.schedulable(job, totalCores)));
      for (Grant grant : round.decide()) {
        ServerJob job = queued.get(grant.jobId());
        if (job == null) {
          completions.add(grantAsked(grant, round));
        } else if (round.fits(grant)) {
          round.take(grant);
          Entry entry = new Entry(SchedulingPolicy.schedulable(job, totalCores));
          entry.reservation = new Held(entry, null);
          entry.held.put(entry.reservation.id, entry.reservation);
          entries.put(job.id(), entry);
          queued.remove(job.id());
          admitted.put(job.id(), job);
          admittedOne = true;
        }
      }
      List<Entry> stillAsking = entries.values().stream().filter(e -> !e.asked.isEmpty()).toList();
      if (stillAsking.size() == 1 && queued.isEmpty()) {
        completions.addAll(successors(stillAsking.get(0)));
      }
    }
    completions.forEach(Runnable::run);
    if (admittedOne) {
      onAdmission.run();
    }
  }

  /**
   * Grants a job's waiting chunks on the cores its own running chunks leave idle (their last tasks,
   * their commit), one successor per chunk granted by the scheduler: the job's pipeline stays full
   * without taking cores from other jobs, whose share the scheduler keeps by full grants.
   */
  private List<Runnable> successors(Entry entry) {
    List<Runnable> completions = new ArrayList<>();
    int demand = entry.job.chunkDemand().cores();
    while (!entry.asked.isEmpty()) {
      int idle = 0;
      int slots = 0;
      int successors = 0;
      for (Held held : entry.held.values()) {
        idle += demand - held.cores();
        if (held.successor) {
          successors++;
        } else {
          slots++;
        }
      }
      if (idle < demand || successors >= slots) {
        break;
      }
      Request request = entry.asked.poll();
      Held held = new Held(entry, request.tag());
      held.successor = true;
      entry.held.put(held.id, held);
      completions.add(
          () -> {
            if (!request.future().complete(held)) {
              held.close();
            }
          });
    }
    return completions;
  }

  private CompletableFuture<ChunkGate.Permit> request(String jobId, String tag) {
    CompletableFuture<ChunkGate.Permit> future = new CompletableFuture<>();
    synchronized (this) {
      Entry entry = entries.get(jobId);
      if (entry == null) {
        future.completeExceptionally(
            new IllegalStateException("job " + jobId + " is not admitted to run chunks"));
        return future;
      }
      if (entry.reservation != null) {
        entry.reservation.tag = tag;
        Held first = entry.reservation;
        entry.reservation = null;
        future.complete(first);
        return future;
      }
      Request request = new Request(tag, future);
      entry.asked.add(request);
      future.whenComplete(
          (permit, error) -> {
            if (future.isCancelled()) {
              synchronized (ChunkArbiter.this) {
                entry.asked.remove(request);
              }
            }
          });
    }
    rebalance();
    return future;
  }

  /**
   * Holds the cores of {@code grant} for the oldest waiting chunk of its job; the returned action
   * hands the permit over (outside the lock: the run's callbacks run on completion).
   */
  private Runnable grantAsked(Grant grant, Round round) {
    Entry entry = entries.get(grant.jobId());
    if (entry == null || entry.asked.isEmpty() || !round.fits(grant)) {
      return () -> {};
    }
    round.take(grant);
    Request request = entry.asked.poll();
    Held held = new Held(entry, request.tag());
    entry.held.put(held.id, held);
    return () -> {
      if (!request.future().complete(held)) {
        held.close(); // withdrawn meanwhile
      }
    };
  }

  /** One scheduling round over the pool of the server's cores. */
  private final class Round {
    final WorkerPool pool = WorkerPool.of(List.of(new Demand(totalCores, 0, 0)));
    final Allocations running = new Allocations();
    final WaitingJobs waiting = new WaitingJobs();

    Round() {
      for (Entry entry : entries.values()) {
        for (Held held : entry.held.values()) {
          int cores = Math.min(entry.job.chunkDemand().cores(), pool.freeCores());
          if (cores <= 0) {
            continue;
          }
          Demand use = new Demand(cores, 0, 0);
          pool.take(0, use);
          SchedulableJob job = entry.job;
          running.add(
              new RunningChunk(
                  held.id,
                  SchedulableJob.fresh(
                      job.id(),
                      job.tenant(),
                      job.priority(),
                      job.value(),
                      job.submittedAt(),
                      use,
                      1),
                  0,
                  held.startedAt));
        }
        if (!entry.asked.isEmpty()) {
          waiting.addChunks(entry.job, entry.asked.size());
        }
      }
    }

    List<Grant> decide() {
      SchedulingDecision decision = scheduler.schedule(clock.millis(), pool, running, waiting);
      return decision.grants();
    }

    boolean fits(Grant grant) {
      return grant.demand().fitsIn(pool.freeOn(0));
    }

    void take(Grant grant) {
      pool.take(0, grant.demand());
    }
  }
}
