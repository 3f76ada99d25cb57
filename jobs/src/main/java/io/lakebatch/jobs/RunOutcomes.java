package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.store.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The chunk outcomes of one run attempt, in chunk order, and what they add up to: the run's end
 * state and its summary. Pure; no Spark, no store.
 */
record RunOutcomes(List<ChunkOutcome> outcomes) {
  RunOutcomes {
    outcomes = List.copyOf(outcomes);
  }

  /**
   * CANCELLED when a cancel stopped the run; else SUCCEEDED when no chunk failed; else PARTIAL when
   * some chunk is committed (now or before), FAILED when none is.
   */
  RunState state() {
    if (outcomes.stream().anyMatch(o -> o instanceof ChunkOutcome.Cancelled)) {
      return RunState.CANCELLED;
    }
    if (failed().isEmpty()) {
      return RunState.SUCCEEDED;
    }
    return outcomes.stream().anyMatch(ChunkOutcome::done) ? RunState.PARTIAL : RunState.FAILED;
  }

  /**
   * Whether every one of the run's {@code chunks} chunks is committed or staged (an overwrite run
   * may publish).
   */
  boolean allDone(int chunks) {
    return outcomes.stream().filter(ChunkOutcome::done).count() == chunks;
  }

  List<ChunkOutcome.Failed> failed() {
    return outcomes.stream()
        .filter(ChunkOutcome.Failed.class::isInstance)
        .map(ChunkOutcome.Failed.class::cast)
        .toList();
  }

  int runNow() {
    return (int)
        outcomes.stream()
            .filter(o -> o instanceof ChunkOutcome.Committed || o instanceof ChunkOutcome.Staged)
            .count();
  }

  int alreadyCommitted() {
    return (int) outcomes.stream().filter(ChunkOutcome.AlreadyCommitted.class::isInstance).count();
  }

  /** What the run store records as the run's end: all committed, or the failures. */
  String detail(int chunks) {
    return state() == RunState.SUCCEEDED
        ? "all " + chunks + " chunks committed"
        : String.join("; ", failed().stream().map(ChunkOutcome.Failed::describe).toList());
  }

  /** The run's summary: rows of the chunks run now, chunk counts, the end state. */
  RunSummary summary(
      String runId,
      long plannedRows,
      int chunks,
      int batchSize,
      Optional<String> batchSizeChoice,
      Duration wallTime) {
    requireNonNull(runId, "runId is null");
    long rowsIn = 0;
    long rowsOut = 0;
    long deadLetter = 0;
    for (ChunkOutcome outcome : outcomes) {
      if (outcome instanceof ChunkOutcome.Committed c) {
        rowsIn += c.rowsIn();
        rowsOut += c.rowsOut();
        deadLetter += c.deadLetterRows();
      } else if (outcome instanceof ChunkOutcome.Staged s) {
        rowsIn += s.rowsIn();
        rowsOut += s.rowsOut();
        deadLetter += s.deadLetterRows();
      }
    }
    return new RunSummary(
        runId,
        state(),
        plannedRows,
        rowsIn,
        rowsOut,
        deadLetter,
        chunks,
        runNow(),
        alreadyCommitted(),
        failed().stream().map(ChunkOutcome.Failed::describe).toList(),
        batchSize,
        batchSizeChoice,
        wallTime);
  }
}
