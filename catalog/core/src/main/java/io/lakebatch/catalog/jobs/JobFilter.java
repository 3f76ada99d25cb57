package io.lakebatch.catalog.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which jobs {@link JobStore#list} returns: newest first, at most {@code limit}, those submitted
 * before the job with sequence {@code before} (the cursor of the previous page).
 */
public record JobFilter(
    Optional<JobState> state,
    Optional<String> tenant,
    Optional<String> nameContains,
    int limit,
    OptionalLong before) {
  public JobFilter {
    requireNonNull(state, "state is null");
    requireNonNull(tenant, "tenant is null");
    requireNonNull(nameContains, "nameContains is null");
    requireNonNull(before, "before is null");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1: " + limit);
    }
  }

  public static JobFilter all(int limit) {
    return new JobFilter(
        Optional.empty(), Optional.empty(), Optional.empty(), limit, OptionalLong.empty());
  }
}
