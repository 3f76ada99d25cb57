package io.lakebatch.api;

import io.lakebatch.catalog.store.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a run did, printed at its end.
 *
 * @param rowsIn input rows read this time (after the filter), for the chunks run now
 * @param rowsOut rows committed to the output this time
 * @param deadLetterRows rows committed to the dead-letter table this time
 * @param chunksRun chunks committed now
 * @param chunksSkipped chunks found already committed by an earlier attempt of the same run
 * @param failedChunks chunks that exhausted their retries, with their last error
 */
public record RunSummary(
    String runId,
    RunState state,
    long plannedRows,
    long rowsIn,
    long rowsOut,
    long deadLetterRows,
    int chunksTotal,
    int chunksRun,
    int chunksSkipped,
    List<String> failedChunks,
    int batchSize,
    Optional<String> batchSizeChoice,
    Duration wallTime) {
  public RunSummary {
    failedChunks = List.copyOf(failedChunks);
  }

  public double rowsPerSecond() {
    double seconds = wallTime.toNanos() / 1e9;
    return seconds <= 0 ? 0 : rowsIn / seconds;
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("run %s %s%n", runId, state));
    out.append(String.format("  rows in          %,d (planned %,d)%n", rowsIn, plannedRows));
    out.append(String.format("  rows out         %,d%n", rowsOut));
    out.append(String.format("  dead-letter      %,d%n", deadLetterRows));
    out.append(
        String.format(
            "  chunks           %d total, %d run now, %d already committed, %d failed%n",
            chunksTotal, chunksRun, chunksSkipped, failedChunks.size()));
    out.append(
        String.format(
            "  batch size       %d%s%n",
            batchSize, batchSizeChoice.map(c -> " (" + c + ")").orElse("")));
    out.append(String.format("  wall time        %.1f s%n", wallTime.toMillis() / 1000.0));
    out.append(String.format("  throughput       %,.0f rows/s%n", rowsPerSecond()));
    failedChunks.forEach(f -> out.append("  failed ").append(f).append(System.lineSeparator()));
    return out.toString();
  }
}
