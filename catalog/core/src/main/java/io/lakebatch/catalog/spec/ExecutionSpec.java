package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * How the job executes.
 *
 * @param rowsPerTask planner target rows per Spark task; empty = derived from the chunk and cores
 * @param rowsPerChunk planner target rows per chunk (the unit of commit and resume)
 * @param speculation whether Spark launches speculative copies of slow tasks ({@code
 *     spark.speculation}); safe with LakeBatch's commits, since a chunk's rows are written by one
 *     Delta transaction
 */
public record ExecutionSpec(
    BatchSize batchSize,
    OptionalLong rowsPerTask,
    long rowsPerChunk,
    double maxBadRowFraction,
    RetrySpec retries,
    boolean speculation) {
  public ExecutionSpec {
    requireNonNull(batchSize, "batchSize is null");
    requireNonNull(rowsPerTask, "rowsPerTask is null");
    requireNonNull(retries, "retries is null");
  }
}
