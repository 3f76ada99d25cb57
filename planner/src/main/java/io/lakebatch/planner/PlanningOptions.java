package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * Planner targets.
 *
 * @param rowsPerChunk target rows per chunk
 * @param rowsPerTask target rows per task; empty = the chunk spread over {@code tasksPerCore} tasks
 *     per core
 * @param cores cores the job runs on (executors x executor cores)
 * @param rowCost how tasks inside a chunk are balanced; chunks are always filled by rows
 */
public record PlanningOptions(
    long rowsPerChunk, OptionalLong rowsPerTask, int cores, int tasksPerCore, RowCost rowCost) {
  public PlanningOptions {
    requireNonNull(rowCost, "rowCost is null");
    if (rowsPerChunk <= 0) {
      throw new IllegalArgumentException("Invalid rows per chunk (negative or 0): " + rowsPerChunk);
    }
    if (rowsPerTask.isPresent() && rowsPerTask.getAsLong() <= 0) {
      throw new IllegalArgumentException(
          "Invalid rows per task (negative or 0): " + rowsPerTask.getAsLong());
    }
    if (cores <= 0 || tasksPerCore <= 0) {
      throw new IllegalArgumentException(
          "Invalid cores or tasks per core: " + cores + ", " + tasksPerCore);
    }
  }

  /** Targets with the default cost model, {@link RowCost#DEFAULT}: tasks balanced by rows. */
  public PlanningOptions(long rowsPerChunk, OptionalLong rowsPerTask, int cores, int tasksPerCore) {
    this(rowsPerChunk, rowsPerTask, cores, tasksPerCore, RowCost.DEFAULT);
  }

  /**
   * Rows per piece when a large file is cut at row-group boundaries. It depends on the spec only,
   * never on the cluster, so chunk boundaries (and with them resume) survive a change of cores.
   */
  public long pieceRows() {
    if (rowsPerTask.isPresent()) {
      return Math.min(rowsPerTask.getAsLong(), rowsPerChunk);
    }
    return Math.max(1, rowsPerChunk / PIECES_PER_CHUNK);
  }

  /** Pieces a chunk is cut into at most when the spec leaves rows-per-task out. */
  public static final int PIECES_PER_CHUNK = 256;

  /** The rows-per-task target for packing pieces into tasks inside a chunk. */
  public long effectiveRowsPerTask() {
    if (rowsPerTask.isPresent()) {
      return Math.min(rowsPerTask.getAsLong(), rowsPerChunk);
    }
    long tasks = (long) cores * tasksPerCore;
    return Math.max(1, rowsPerChunk / tasks + (rowsPerChunk % tasks == 0 ? 0 : 1));
  }
}
