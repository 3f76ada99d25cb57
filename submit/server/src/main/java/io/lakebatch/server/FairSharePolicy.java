package io.lakebatch.server;

import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.server.scheduling.Allocations;
import io.lakebatch.server.scheduling.ChunkScheduler;
import io.lakebatch.server.scheduling.Demand;
import io.lakebatch.server.scheduling.FairShareScheduler;
import io.lakebatch.server.scheduling.Grant;
import io.lakebatch.server.scheduling.RunningChunk;
import io.lakebatch.server.scheduling.SchedulableJob;
import io.lakebatch.server.scheduling.SchedulerConfig;
import io.lakebatch.server.scheduling.SchedulingDecision;
import io.lakebatch.server.scheduling.WaitingJobs;
import io.lakebatch.server.scheduling.WorkerPool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's default policy: the {@link FairShareScheduler} the scheduler simulation measures,
 * applied to whole jobs. Each job is one allocation of its cores on one worker of the server's
 * capacity: the next job goes to the tenant furthest below its guaranteed share, else to the one
 * with the lowest share per weight (so a tenant with 500 queued jobs does not hold back a tenant
 * with one), and within the tenant to the job of the highest aged priority ({@link
 * io.lakebatch.server.scheduling.AgingPriority}: no job starves). It preempts other tenants' jobs
 * for a tenant below its guarantee, or holding a waiting HIGH job while below its fair share; and,
 * within one tenant, jobs of lower classes for its head as {@link PriorityFifoPolicy} does.
 */
final class FairSharePolicy implements SchedulingPolicy {
  private final ChunkScheduler scheduler;
  private final Clock clock;
  private final PriorityFifoPolicy withinTenant = new PriorityFifoPolicy();

  FairSharePolicy(SchedulerConfig config, Clock clock) {
    this.scheduler = new FairShareScheduler(config);
    this.clock = clock;
  }

  @Override
  public Optional<ServerJob> next(
      List<ServerJob> queued, List<ServerJob> running, int freeCores, int totalCores) {
    Round round = new Round(queued, running, totalCores);
    SchedulingDecision decision = round.decide();
    return decision.grants().stream()
        .map(Grant::jobId)
        .map(round.queuedById::get)
        .findFirst()
        .filter(job -> SchedulingPolicy.coresOf(job, totalCores) <= freeCores);
  }

  @Override
  public Optional<Preemption> preemption(
      List<ServerJob> queued, List<ServerJob> running, int freeCores, int totalCores) {
    Round round = new Round(queued, running, totalCores);
    SchedulingDecision decision = round.decide();
    if (!decision.preemptions().isEmpty()) {
      List<ServerJob> victims = new ArrayList<>();
      decision.preemptions().stream()
          .map(p -> round.runningById.get(p.chunk().job().id()))
          .distinct()
          .forEach(victims::add);
      return Optional.of(new Preemption(decision.preemptions().get(0).reason(), victims));
    }
    Map<String, List<ServerJob>> byTenant = new LinkedHashMap<>();
    queued.stream()
        .sorted(PriorityFifoPolicy.ORDER)
        .forEach(j -> byTenant.computeIfAbsent(j.tenant(), t -> new ArrayList<>()).add(j));
    for (Map.Entry<String, List<ServerJob>> tenant : byTenant.entrySet()) {
      List<ServerJob> own =
          running.stream().filter(r -> r.tenant().equals(tenant.getKey())).toList();
      Optional<Preemption> preemption =
          withinTenant.preemption(tenant.getValue(), own, freeCores, totalCores);
      if (preemption.isPresent()) {
        return preemption;
      }
    }
    return Optional.empty();
  }

  /** The server's jobs as the scheduling core sees them: one worker, one chunk per job. */
  private final class Round {
    final Map<String, ServerJob> queuedById = new LinkedHashMap<>();
    final Map<String, ServerJob> runningById = new LinkedHashMap<>();
    final WorkerPool pool;
    final Allocations allocations = new Allocations();
    final WaitingJobs waiting = new WaitingJobs();

    Round(List<ServerJob> queued, List<ServerJob> running, int totalCores) {
      pool = WorkerPool.of(List.of(new Demand(totalCores, 0, 0)));
      for (ServerJob job : running) {
        SchedulableJob schedulable = SchedulingPolicy.schedulable(job, totalCores);
        runningById.put(job.id(), job);
        pool.take(0, schedulable.chunkDemand());
        allocations.add(
            new RunningChunk(
                job.sequence(),
                schedulable,
                0,
                job.startedAt().orElse(job.submittedAt()).toEpochMilli()));
      }
      for (ServerJob job : queued) {
        queuedById.put(job.id(), job);
        waiting.add(SchedulingPolicy.schedulable(job, totalCores));
      }
    }

    SchedulingDecision decide() {
      return scheduler.schedule(clock.millis(), pool, allocations, waiting);
    }
  }
}
