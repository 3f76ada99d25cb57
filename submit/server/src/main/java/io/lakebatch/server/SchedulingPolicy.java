package io.lakebatch.server;

import io.lakebatch.catalog.jobs.ServerJob;
import java.util.List;
import java.util.Optional;

/**
 * Which waiting job starts next. Pure: it sees the queue and the free capacity, nothing else, so a
 * policy is unit-tested without a server or Spark.
 */
public interface SchedulingPolicy {

  /**
   * The job to start now, if any.
   *
   * @param queued the waiting jobs, oldest first
   * @param freeCores cores not held by running jobs
   * @param totalCores the server's capacity (a job asking for more runs alone, on all of it)
   */
  Optional<ServerJob> next(List<ServerJob> queued, int freeCores, int totalCores);

  /** The cores {@code job} holds while it runs on a server of {@code totalCores}. */
  static int coresOf(ServerJob job, int totalCores) {
    return Math.min(job.cores(), totalCores);
  }
}
