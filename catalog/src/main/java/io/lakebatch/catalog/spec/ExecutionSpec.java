package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * How the job executes.
 *
 * @param rowsPerTask planner target rows per Spark task; empty = derived from the chunk and cores
 * @param rowsPerChunk planner target rows per chunk (the unit of commit and resume)
 */
public record ExecutionSpec(
    BatchSize batchSize,
    OptionalLong rowsPerTask,
    long rowsPerChunk,
    double maxBadRowFraction,
    RetrySpec retries) {
  public ExecutionSpec {
    requireNonNull(batchSize, "batchSize is null");
    requireNonNull(rowsPerTask, "rowsPerTask is null");
    requireNonNull(retries, "retries is null");
  }
}
