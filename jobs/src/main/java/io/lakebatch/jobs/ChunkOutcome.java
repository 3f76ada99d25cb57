package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

/** What became of one planned chunk in one run attempt. */
sealed interface ChunkOutcome {
  int chunk();

  /** Whether the chunk's rows are in the output (or staged for it) after this attempt. */
  default boolean done() {
    return false;
  }

  /**
   * Committed now, in its own Delta transaction (by this driver, or found committed by another
   * one).
   */
  record Committed(int chunk, long rowsIn, long rowsOut, long deadLetterRows, long tableVersion)
      implements ChunkOutcome {
    @Override
    public boolean done() {
      return true;
    }
  }

  /** An overwrite run's chunk, written and kept for the run's one publishing commit. */
  record Staged(int chunk, long rowsIn, long rowsOut, long deadLetterRows) implements ChunkOutcome {
    @Override
    public boolean done() {
      return true;
    }
  }

  /** Committed (or staged) by an earlier attempt of the run: skipped. */
  record AlreadyCommitted(int chunk) implements ChunkOutcome {
    @Override
    public boolean done() {
      return true;
    }
  }

  /** Failed for good after {@code attempts} attempts; a rerun retries it. */
  record Failed(int chunk, int attempts, String error) implements ChunkOutcome {
    public Failed {
      requireNonNull(error, "error is null");
    }

    /** How the run's summary and its store record name this failure. */
    String describe() {
      return "chunk " + chunk + " after " + attempts + " attempt(s): " + error;
    }
  }

  /** Not run: a cancel was requested before it started (the run stops here). */
  record Cancelled(int chunk) implements ChunkOutcome {}
}
