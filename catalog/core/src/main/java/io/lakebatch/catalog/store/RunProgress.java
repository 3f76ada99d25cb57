package io.lakebatch.catalog.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How far a run is, computed from its record and its ledger: rows and chunks done out of the
 * planned totals, the rate of the current attempt and the time left at that rate.
 *
 * @param rowsDone planned rows of committed chunks, plus rows scored in chunks not yet committed
 * @param rowsPerSecond rows done in the current attempt over its elapsed time
 */
public record RunProgress(
    String runId,
    RunState state,
    long rowsDone,
    long rowsTotal,
    int chunksDone,
    int chunksFailed,
    int chunksTotal,
    double rowsPerSecond,
    Optional<Duration> eta,
    Duration elapsed) {

  /** Computes the progress of {@code run} at {@code now}. */
  public static RunProgress of(RunRecord run, List<ChunkRecord> chunks, Instant now) {
    long committedRows = 0;
    long committedThisAttempt = 0;
    int done = 0;
    int failed = 0;
    Instant attemptStart = run.attemptStartedAt().orElse(run.createdAt());
    for (ChunkRecord chunk : chunks) {
      if (chunk.state() == ChunkState.COMMITTED) {
        done++;
        committedRows += chunk.plannedRows();
        if (chunk.committedAt().map(at -> !at.isBefore(attemptStart)).orElse(false)) {
          committedThisAttempt += chunk.plannedRows();
        }
      } else if (chunk.state() == ChunkState.FAILED) {
        failed++;
      }
    }
    long inFlight = run.state() == RunState.RUNNING ? run.rowsInFlight() : 0;
    Instant end = run.state().isTerminal() ? run.finishedAt().orElse(now) : now;
    Duration elapsed =
        run.attemptStartedAt().map(s -> Duration.between(s, end)).orElse(Duration.ZERO);
    double seconds = elapsed.toMillis() / 1000.0;
    long rowsThisAttempt = committedThisAttempt + inFlight;
    double rate = seconds > 0 ? rowsThisAttempt / seconds : 0;
    long rowsDone = Math.min(run.rowsTotal(), committedRows + inFlight);
    long remaining = run.rowsTotal() - rowsDone;
    Optional<Duration> eta =
        run.state().isTerminal() || remaining == 0
            ? Optional.of(Duration.ZERO)
            : rate > 0
                ? Optional.of(Duration.ofSeconds((long) Math.ceil(remaining / rate)))
                : Optional.empty();
    return new RunProgress(
        run.runId(),
        run.state(),
        rowsDone,
        run.rowsTotal(),
        done,
        failed,
        run.chunksTotal(),
        rate,
        eta,
        elapsed);
  }

  public double fraction() {
    return rowsTotal == 0
        ? (chunksTotal == 0 || chunksDone == chunksTotal ? 1.0 : 0.0)
        : (double) rowsDone / rowsTotal;
  }

  /**
   * One line: {@code RUNNING 3/12 chunks | 600,000/2,400,000 rows (25%) | 98,000 rows/s | ETA
   * 0:00:18}.
   */
  public String render() {
    return String.format(
        "%s %d/%d chunks%s | %,d/%,d rows (%.0f%%) | %,.0f rows/s | ETA %s",
        state,
        chunksDone,
        chunksTotal,
        chunksFailed > 0 ? " (" + chunksFailed + " failed)" : "",
        rowsDone,
        rowsTotal,
        100 * fraction(),
        rowsPerSecond,
        eta.map(RunProgress::formatDuration).orElse("?"));
  }

  public static String formatDuration(Duration duration) {
    long seconds = duration.toSeconds();
    return String.format("%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }
}
