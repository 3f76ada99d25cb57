package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How {@link LakeBatch#run(io.lakebatch.catalog.spec.JobSpec, RunOptions)} starts a run: resume the
 * job's unfinished run (the default) or start a new one, who listens to its events, and whether a
 * {@link ChunkGate} hands out its chunks.
 *
 * @param start resume the job's unfinished run, or start anew at the input's latest version
 * @param listeners told of the run's events, in this order
 * @param gate asked before each chunk starts; empty: the run keeps {@code
 *     spark.lakebatch.chunks-in-flight} chunks going on its own
 */
public record RunOptions(RunStart start, List<RunListener> listeners, Optional<ChunkGate> gate) {
  public RunOptions {
    requireNonNull(start, "start is null");
    listeners = List.copyOf(requireNonNull(listeners, "listeners is null"));
    requireNonNull(gate, "gate is null");
  }

  /** Resume the job's unfinished run if it has one; no listeners; no gate. */
  public static RunOptions defaults() {
    return new RunOptions(RunStart.RESUME_UNFINISHED, List.of(), Optional.empty());
  }

  /**
   * These options, starting a new run even if the job has an unfinished one ({@code --new-run}).
   */
  public RunOptions newRun() {
    return withStart(RunStart.NEW_RUN);
  }

  /** These options with {@code start}. */
  public RunOptions withStart(RunStart start) {
    return new RunOptions(start, listeners, gate);
  }

  /** These options with {@code listener} told of the run's events after the ones already here. */
  public RunOptions withListener(RunListener listener) {
    List<RunListener> all = new ArrayList<>(listeners);
    all.add(requireNonNull(listener, "listener is null"));
    return new RunOptions(start, all, gate);
  }

  /** These options with each chunk started only when {@code chunkGate} grants it. */
  public RunOptions withChunkGate(ChunkGate chunkGate) {
    return new RunOptions(start, listeners, Optional.of(requireNonNull(chunkGate, "gate is null")));
  }
}
