package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.Priority;

/**
 * A job as the scheduler sees it: who owns it, how urgent it is, and how many equal chunks it still
 * has to run. Each chunk asks for {@link #chunkDemand()}; the scheduler grants chunks one at a
 * time.
 *
 * @param id the job's identity, unique across the cluster
 * @param tenant the owning tenant
 * @param priority the priority class
 * @param value the priority within the class, 0..99, higher first
 * @param submittedAt submission time in milliseconds of the scheduler's clock
 * @param chunkDemand what each chunk holds while it runs
 * @param chunkCount how many chunks the job has in all, at least 1
 * @param remainingChunks how many of them have not yet completed, 0..chunkCount
 */
public record SchedulableJob(
    String id,
    String tenant,
    Priority priority,
    int value,
    long submittedAt,
    Demand chunkDemand,
    int chunkCount,
    int remainingChunks) {
  /** The highest {@link #value()}. */
  public static final int MAX_VALUE = 99;

  public SchedulableJob {
    requireNonNull(id, "id is null");
    requireNonNull(tenant, "tenant is null");
    requireNonNull(priority, "priority is null");
    requireNonNull(chunkDemand, "chunkDemand is null");
    if (value < 0 || value > MAX_VALUE) {
      throw new IllegalArgumentException(
          "Invalid priority value for job %s (not in 0..%d): %d".formatted(id, MAX_VALUE, value));
    }
    if (chunkCount < 1) {
      throw new IllegalArgumentException(
          "Invalid chunk count for job %s (less than 1): %d".formatted(id, chunkCount));
    }
    if (remainingChunks < 0 || remainingChunks > chunkCount) {
      throw new IllegalArgumentException(
          "Invalid remaining chunks for job %s (not in 0..%d): %d"
              .formatted(id, chunkCount, remainingChunks));
    }
    if (chunkDemand.equals(Demand.ZERO)) {
      throw new IllegalArgumentException("Invalid chunk demand for job %s (zero)".formatted(id));
    }
  }

  /** A job none of whose {@code chunkCount} chunks has run yet. */
  public static SchedulableJob fresh(
      String id,
      String tenant,
      Priority priority,
      int value,
      long submittedAt,
      Demand chunkDemand,
      int chunkCount) {
    return new SchedulableJob(
        id, tenant, priority, value, submittedAt, chunkDemand, chunkCount, chunkCount);
  }
}
