package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

/**
 * One chunk of a job running on a worker.
 *
 * @param id the chunk's identity, unique across the cluster
 * @param job the job it belongs to
 * @param worker the worker it runs on
 * @param startedAt when it started, in milliseconds of the scheduler's clock
 */
public record RunningChunk(long id, SchedulableJob job, int worker, long startedAt) {
  public RunningChunk {
    requireNonNull(job, "job is null");
    if (worker < 0) {
      throw new IllegalArgumentException("Invalid worker (negative): " + worker);
    }
  }

  /** The owning tenant. */
  public String tenant() {
    return job.tenant();
  }

  /** What the chunk holds. */
  public Demand demand() {
    return job.chunkDemand();
  }
}
