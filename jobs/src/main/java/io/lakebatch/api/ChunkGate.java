package io.lakebatch.api;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Hands a run its chunks one at a time: before it starts a chunk the run asks the gate, and it
 * gives the permit back when the chunk has ended (committed, failed or cancelled). A job server
 * shares one SparkSession's cores among many runs this way, chunk by chunk, by its scheduling
 * policy. Without a gate ({@link RunOptions#defaults()}) a run keeps up to {@code
 * spark.lakebatch.chunks-in-flight} chunks going on its own.
 *
 * <p>Chunks still start in plan order and commit in any order, each under its own transaction id,
 * so a gate decides only when, never which or whether twice. The run's first chunk runs alone (it
 * creates the output table) whatever the gate grants.
 */
public interface ChunkGate {

  /** How many chunks of one run may be in flight at once, at most (positive). */
  int maxInFlight();

  /**
   * Asks leave to start chunk {@code chunk} of run {@code runId}. The future completes with a
   * permit when the chunk may start. The run cancels the future when it no longer needs it (it
   * stopped or ended while waiting): the gate then withdraws the request, and a permit granted in
   * the same instant is closed by the run.
   */
  CompletableFuture<Permit> request(String runId, int chunk);

  /** Leave to run one chunk, closed once when the chunk has ended. */
  interface Permit extends AutoCloseable {
    /**
     * The Spark FAIR scheduler pool the chunk's Spark jobs run in, if the gate names one: with a
     * pool per chunk, running chunks share the cores equally, so a gate's grants are the shares.
     * Empty: the run's own pool.
     */
    default Optional<String> schedulerPool() {
      return Optional.empty();
    }

    @Override
    void close();
  }

  /**
   * The Spark job tag of chunk {@code chunk} of run {@code runId}: every Spark job the chunk runs
   * carries it, so a listener can follow the chunk's tasks and {@code cancelJobsWithTag} stops it.
   */
  static String sparkJobTag(String runId, int chunk) {
    return "lakebatch-" + runId + "-chunk-" + chunk;
  }
}
