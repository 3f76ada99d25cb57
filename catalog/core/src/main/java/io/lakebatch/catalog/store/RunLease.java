package io.lakebatch.catalog.store;

import static java.util.Objects.requireNonNull;

/**
 * What a driver holds after {@code RunStore.take}: the run, the epoch of its take (a fencing token)
 * and the driver itself. Every later write of the driver passes its lease, and the store refuses it
 * once another process has taken the run (a higher epoch).
 */
public record RunLease(String runId, long epoch, RunOwner owner) {
  public RunLease {
    requireNonNull(runId, "runId is null");
    requireNonNull(owner, "owner is null");
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch of a lease must be at least 1: " + epoch);
    }
  }

  @Override
  public String toString() {
    return runId + " epoch " + epoch + " by " + owner;
  }
}
