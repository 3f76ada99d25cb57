package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.store.RunProgress;
import java.util.Optional;

/**
 * What a run tells its {@link RunListener}s. Each event names its run; {@link #message()} is the
 * line (or lines) {@code lakebatch run} prints for it, empty for events the console does not show.
 */
public sealed interface RunEvent {
  /** The run this event belongs to. */
  String runId();

  /** The text {@code lakebatch run} prints for this event (no trailing newline); empty for none. */
  String message();

  /**
   * The run is registered, taken and reconciled with the output's Delta log; its chunks are about
   * to run.
   *
   * @param source the input as {@code lakebatch run} names it: {@code <format> <path>[ @ version
   *     N]}
   * @param modelLabel {@code name@version} of a registered model, else its file
   * @param driverLog where the run's driver log is written, {@code -} if unknown
   * @param alreadyCommitted chunks an earlier attempt committed (skipped now)
   * @param ledgerRowsRebuilt ledger rows this attempt rebuilt from the Delta log
   */
  record RunPlanned(
      String runId,
      int chunks,
      long rows,
      String source,
      String outputPath,
      String modelLabel,
      String modelSha256,
      String driverLog,
      int alreadyCommitted,
      int ledgerRowsRebuilt)
      implements RunEvent {
    public RunPlanned {
      requireNonNull(runId, "runId is null");
      requireNonNull(source, "source is null");
      requireNonNull(outputPath, "outputPath is null");
      requireNonNull(modelLabel, "modelLabel is null");
      requireNonNull(modelSha256, "modelSha256 is null");
      requireNonNull(driverLog, "driverLog is null");
    }

    @Override
    public String message() {
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(
              "run %s: %d chunks, %,d rows from %s -> %s",
              runId, chunks, rows, source, outputPath));
      text.append(System.lineSeparator())
          .append(
              String.format(
                  "  model %s (sha256 %s), driver log %s",
                  modelLabel,
                  modelSha256.substring(0, Math.min(16, modelSha256.length())),
                  driverLog));
      if (alreadyCommitted > 0) {
        text.append(System.lineSeparator())
            .append(
                String.format(
                    "resuming run %s: %d of %d chunks already committed%s",
                    runId,
                    alreadyCommitted,
                    chunks,
                    ledgerRowsRebuilt > 0
                        ? " (ledger: " + ledgerRowsRebuilt + " rows rebuilt from the Delta log)"
                        : ""));
      }
      return text.toString();
    }
  }

  /** A chunk's attempt starts ({@code attempt} counts from 1). */
  record ChunkStarted(String runId, int chunk, int chunks, long plannedRows, int attempt)
      implements RunEvent {
    public ChunkStarted {
      requireNonNull(runId, "runId is null");
    }

    @Override
    public String message() {
      return "";
    }
  }

  /**
   * A chunk's rows are committed to the output in their own Delta transaction ({@code
   * tableVersion}).
   */
  record ChunkCommitted(
      String runId,
      int chunk,
      int chunks,
      long rowsOut,
      long deadLetterRows,
      long tableVersion,
      RunProgress progress)
      implements RunEvent {
    public ChunkCommitted {
      requireNonNull(runId, "runId is null");
      requireNonNull(progress, "progress is null");
    }

    @Override
    public String message() {
      return String.format(
          "chunk %d/%d committed (table version %d): %,d rows out, %,d dead-letter | %s",
          chunk + 1, chunks, tableVersion, rowsOut, deadLetterRows, progress.render());
    }
  }

  /** An overwrite run's chunk is written and kept for the run's one publishing commit. */
  record ChunkStaged(
      String runId, int chunk, int chunks, long rowsOut, long deadLetterRows, RunProgress progress)
      implements RunEvent {
    public ChunkStaged {
      requireNonNull(runId, "runId is null");
      requireNonNull(progress, "progress is null");
    }

    @Override
    public String message() {
      return String.format(
          "chunk %d/%d staged (published with the last chunk): %,d rows out, %,d dead-letter | %s",
          chunk + 1, chunks, rowsOut, deadLetterRows, progress.render());
    }
  }

  /**
   * An attempt of a chunk failed.
   *
   * @param retrying whether the chunk is tried again (after a backoff)
   * @param runBudgetUsedUp the error was transient and the chunk had attempts left, but the run's
   *     retry budget ({@code retries.job}) was used up
   */
  record ChunkFailed(
      String runId,
      int chunk,
      int chunks,
      int attempt,
      String error,
      boolean retrying,
      boolean runBudgetUsedUp)
      implements RunEvent {
    public ChunkFailed {
      requireNonNull(runId, "runId is null");
      requireNonNull(error, "error is null");
    }

    @Override
    public String message() {
      return String.format(
          "chunk %d/%d attempt %d failed: %s%s",
          chunk + 1,
          chunks,
          attempt,
          error,
          retrying
              ? " (retrying)"
              : runBudgetUsedUp ? " (run's retry budget retries.job used up)" : "");
    }
  }

  /** How far the run is, after each chunk. */
  record ProgressUpdated(String runId, RunProgress progress) implements RunEvent {
    public ProgressUpdated {
      requireNonNull(runId, "runId is null");
      requireNonNull(progress, "progress is null");
    }

    @Override
    public String message() {
      return "";
    }
  }

  /**
   * A remark of the engine while it prepares or runs (the console prints it as a line of its own).
   */
  record RunNote(String runId, NoteKind kind, String text) implements RunEvent {
    public RunNote {
      requireNonNull(runId, "runId is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(text, "text is null");
    }

    @Override
    public String message() {
      return text;
    }
  }

  /** What a {@link RunNote} is about. */
  enum NoteKind {
    /** The job's unfinished run is resumed at the input it pinned. */
    RESUME,
    /**
     * Something the user should know about the input (e.g. files added after the run pinned it).
     */
    INPUT_WARNING,
    /** The driver scored a few real rows before any task ran. */
    PREFLIGHT,
    /** {@code batch-size: auto} chose a batch size. */
    BATCH_SIZE,
    /** A cancel was requested; the run stops at this chunk boundary. */
    CANCEL,
    /** An overwrite run published its staged chunks in one commit. */
    PUBLISHED
  }

  /** The run ended: with its summary, or with the error that stopped it. */
  record RunEnded(String runId, Optional<RunSummary> summary, Optional<RuntimeException> error)
      implements RunEvent {
    public RunEnded {
      requireNonNull(runId, "runId is null");
      requireNonNull(summary, "summary is null");
      requireNonNull(error, "error is null");
      if (summary.isPresent() == error.isPresent()) {
        throw new IllegalArgumentException(
            "a run ends with a summary or an error, not both or neither: " + runId);
      }
    }

    @Override
    public String message() {
      return "";
    }
  }
}
