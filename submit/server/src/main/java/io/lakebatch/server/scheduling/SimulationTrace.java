package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything a simulation replays, the same for every scheduler: the cluster, the jobs in
 * submission order, the worker failures, and the tenants' shares.
 *
 * @param cluster the cluster
 * @param jobs the jobs, in submission order
 * @param failures the worker failures, in time order
 * @param shares the tenants' shares, one per tenant with jobs
 */
public record SimulationTrace(
    ClusterShape cluster,
    List<TracedJob> jobs,
    List<WorkerFailure> failures,
    List<TenantShare> shares) {
  public SimulationTrace {
    requireNonNull(cluster, "cluster is null");
    jobs = List.copyOf(jobs);
    failures = List.copyOf(failures);
    shares = List.copyOf(shares);
    for (int i = 1; i < jobs.size(); i++) {
      if (jobs.get(i).job().submittedAt() < jobs.get(i - 1).job().submittedAt()) {
        throw new IllegalArgumentException(
            "Invalid trace (job %s submitted before its predecessor)"
                .formatted(jobs.get(i).job().id()));
      }
    }
    for (TracedJob job : jobs) {
      if (!cluster.canEverRun(job.job().chunkDemand())) {
        throw new IllegalArgumentException(
            "Invalid trace (a chunk of job %s, %s, fits on no worker)"
                .formatted(job.job().id(), job.job().chunkDemand()));
      }
    }
    for (WorkerFailure failure : failures) {
      if (failure.worker() >= cluster.workers()) {
        throw new IllegalArgumentException(
            "Invalid trace (failure of worker %d of %d)"
                .formatted(failure.worker(), cluster.workers()));
      }
    }
  }

  /** All chunks of all jobs. */
  public long totalChunks() {
    return jobs.stream().mapToLong(j -> j.job().chunkCount()).sum();
  }

  /** The core-milliseconds all chunks take when none is lost. */
  public long usefulCoreMillis() {
    return jobs.stream()
        .mapToLong(j -> j.job().chunkCount() * j.chunkMillis() * j.job().chunkDemand().cores())
        .sum();
  }

  /**
   * A job and how long each of its chunks runs.
   *
   * @param job the job as submitted
   * @param chunkMillis each chunk's run time, positive
   */
  public record TracedJob(SchedulableJob job, long chunkMillis) {
    public TracedJob {
      requireNonNull(job, "job is null");
      if (chunkMillis <= 0) {
        throw new IllegalArgumentException(
            "Invalid chunk duration for job %s (not positive): %d"
                .formatted(job.id(), chunkMillis));
      }
    }
  }

  /**
   * A worker that fails: its running chunks are lost and wait again; it comes back idle.
   *
   * @param at when it fails
   * @param worker which worker
   * @param downMillis how long it stays down, positive
   */
  public record WorkerFailure(long at, int worker, long downMillis) {
    public WorkerFailure {
      if (worker < 0 || downMillis <= 0) {
        throw new IllegalArgumentException(
            "Invalid worker failure (worker %d, down %d ms)".formatted(worker, downMillis));
      }
    }
  }
}
