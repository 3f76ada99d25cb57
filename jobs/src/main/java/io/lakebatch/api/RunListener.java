package io.lakebatch.api;

/**
 * Receives the events of a run: console output, the run store, a server and tests subscribe here;
 * the engine itself prints nothing. Every method defaults to doing nothing.
 *
 * <p>Methods are called on the thread that prepares or runs the run, in the order things happen; a
 * listener that blocks holds the run up (tests use this to hold a run at a chosen moment). An
 * exception thrown by a listener is logged and otherwise ignored: it never changes a run's outcome.
 */
public interface RunListener {
  /** A listener that ignores every event. */
  RunListener NONE = new RunListener() {};

  /** The run's chunks are about to run. */
  default void runPlanned(RunEvent.RunPlanned event) {}

  /** A chunk's attempt starts. */
  default void chunkStarted(RunEvent.ChunkStarted event) {}

  /** A chunk is committed to the output. */
  default void chunkCommitted(RunEvent.ChunkCommitted event) {}

  /** An overwrite run's chunk is staged for its publishing commit. */
  default void chunkStaged(RunEvent.ChunkStaged event) {}

  /**
   * A chunk's attempt failed; {@link RunEvent.ChunkFailed#retrying()} says whether it is tried
   * again.
   */
  default void chunkFailed(RunEvent.ChunkFailed event) {}

  /** How far the run is (after each chunk). */
  default void progress(RunEvent.ProgressUpdated event) {}

  /** A remark while preparing or running: resume, preflight, batch size, cancel, publication. */
  default void note(RunEvent.RunNote event) {}

  /** The run ended, with its summary or its error. */
  default void runEnded(RunEvent.RunEnded event) {}

  /** Calls the method of this listener that takes {@code event}. */
  default void on(RunEvent event) {
    if (event instanceof RunEvent.RunPlanned e) {
      runPlanned(e);
    } else if (event instanceof RunEvent.ChunkStarted e) {
      chunkStarted(e);
    } else if (event instanceof RunEvent.ChunkCommitted e) {
      chunkCommitted(e);
    } else if (event instanceof RunEvent.ChunkStaged e) {
      chunkStaged(e);
    } else if (event instanceof RunEvent.ChunkFailed e) {
      chunkFailed(e);
    } else if (event instanceof RunEvent.ProgressUpdated e) {
      progress(e);
    } else if (event instanceof RunEvent.RunNote e) {
      note(e);
    } else if (event instanceof RunEvent.RunEnded e) {
      runEnded(e);
    }
  }
}
