package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import io.lakebatch.planner.InferencePlan;
import java.util.Optional;

/**
 * A job's run as planned on the driver, before any chunk runs: the run it resumes or starts, its
 * chunks and tasks, and the batch size it will use.
 *
 * @param runId the run this spec resumes or starts
 * @param plan the run's chunks, from its pinned input (stored at its first attempt)
 * @param batchSize rows per model call
 * @param batchSizeChoice how {@code batch-size: auto} chose {@code batchSize}; empty for a fixed
 *     size
 * @param description the plan as {@code lakebatch plan} prints it
 */
public record RunPlan(
    String runId,
    InferencePlan plan,
    int batchSize,
    Optional<String> batchSizeChoice,
    String description) {
  public RunPlan {
    requireNonNull(runId, "runId is null");
    requireNonNull(plan, "plan is null");
    requireNonNull(batchSizeChoice, "batchSizeChoice is null");
    requireNonNull(description, "description is null");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
    }
  }

  /** Chunks in the plan. */
  public int chunks() {
    return plan.chunks().size();
  }

  /** Input rows the plan covers. */
  public long rows() {
    return plan.totalRows();
  }
}
