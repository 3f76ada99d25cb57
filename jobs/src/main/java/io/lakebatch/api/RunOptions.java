package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@link LakeBatch#run(io.lakebatch.catalog.spec.JobSpec, RunOptions)} starts a run: resume the
 * job's unfinished run (the default) or start a new one, and who listens to its events.
 *
 * @param start resume the job's unfinished run, or start anew at the input's latest version
 * @param listeners told of the run's events, in this order
 */
public record RunOptions(RunStart start, List<RunListener> listeners) {
  public RunOptions {
    requireNonNull(start, "start is null");
    listeners = List.copyOf(requireNonNull(listeners, "listeners is null"));
  }

  /** Resume the job's unfinished run if it has one; no listeners. */
  public static RunOptions defaults() {
    return new RunOptions(RunStart.RESUME_UNFINISHED, List.of());
  }

  /**
   * These options, starting a new run even if the job has an unfinished one ({@code --new-run}).
   */
  public RunOptions newRun() {
    return new RunOptions(RunStart.NEW_RUN, listeners);
  }

  /** These options with {@code start}. */
  public RunOptions withStart(RunStart start) {
    return new RunOptions(start, listeners);
  }

  /** These options with {@code listener} told of the run's events after the ones already here. */
  public RunOptions withListener(RunListener listener) {
    List<RunListener> all = new ArrayList<>(listeners);
    all.add(requireNonNull(listener, "listener is null"));
    return new RunOptions(start, all);
  }
}
