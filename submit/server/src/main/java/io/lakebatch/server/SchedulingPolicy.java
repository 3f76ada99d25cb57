package io.lakebatch.server;

import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.JobPriority;
import io.lakebatch.server.scheduling.Demand;
import io.lakebatch.server.scheduling.SchedulableJob;
import java.util.List;
import java.util.Optional;

/**
 * Which waiting job starts next, and which running jobs make room for it. Pure: it sees the queue,
 * the running jobs and the free capacity, nothing else, so a policy is unit-tested without a server
 * or Spark.
 */
public interface SchedulingPolicy {

  /**
   * The job to start now, if any.
   *
   * @param queued the waiting jobs, oldest first
   * @param running the running jobs (what each tenant holds)
   * @param freeCores cores not held by running jobs
   * @param totalCores the server's capacity (a job asking for more runs alone, on all of it)
   */
  Optional<ServerJob> next(
      List<ServerJob> queued, List<ServerJob> running, int freeCores, int totalCores);

  /**
   * The running jobs to stop at their next chunk boundary so that the job that should start next
   * fits, or none: a policy preempts only for a job it ranks above every job it stops, and only
   * when stopping them frees enough cores.
   *
   * @param queued the waiting jobs, oldest first
   * @param running the running jobs that may be stopped (not those already stopping)
   * @param freeCores cores free now plus those held by jobs already stopping
   */
  default Optional<Preemption> preemption(
      List<ServerJob> queued, List<ServerJob> running, int freeCores, int totalCores) {
    return Optional.empty();
  }

  /**
   * Stop {@code victims} for the reason given.
   *
   * @param reason for whom, e.g. {@code high-priority job job-… waiting}
   */
  record Preemption(String reason, List<ServerJob> victims) {
    public Preemption {
      java.util.Objects.requireNonNull(reason, "reason is null");
      victims = List.copyOf(victims);
    }
  }

  /** The cores {@code job} holds while it runs on a server of {@code totalCores}. */
  static int coresOf(ServerJob job, int totalCores) {
    return Math.min(job.cores(), totalCores);
  }

  /**
   * {@code job} as the scheduling core sees it on a server of {@code totalCores}: one waiting chunk
   * asking for the job's cores, with its tenant, stored priority and submission time.
   */
  static SchedulableJob schedulable(ServerJob job, int totalCores) {
    JobPriority priority = JobPriority.ofStored(job.priority());
    return SchedulableJob.fresh(
        job.id(),
        job.tenant(),
        priority.priorityClass(),
        priority.value(),
        job.submittedAt().toEpochMilli(),
        new Demand(coresOf(job, totalCores), 0, 0),
        1);
  }
}
