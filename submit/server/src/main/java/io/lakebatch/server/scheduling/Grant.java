package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

/**
 * Permission to start one chunk of a job now.
 *
 * @param jobId the job whose next waiting chunk starts
 * @param demand what the chunk holds
 * @param worker where it runs
 */
public record Grant(String jobId, Demand demand, int worker) {
  public Grant {
    requireNonNull(jobId, "jobId is null");
    requireNonNull(demand, "demand is null");
    if (worker < 0) {
      throw new IllegalArgumentException("Invalid worker (negative): " + worker);
    }
  }
}
