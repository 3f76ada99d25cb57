package io.lakebatch.jobs;

import java.io.PrintStream;

/** Prints one line per chunk: rows and chunks done, rate and ETA. */
final class ProgressPrinter {
  private final PrintStream out;
  private final long totalRows;
  private final int totalChunks;
  private final long startNanos = System.nanoTime();
  private long rowsDone;
  private long rowsDoneNow;
  private int chunksDone;

  ProgressPrinter(PrintStream out, long totalRows, int totalChunks) {
    this.out = out;
    this.totalRows = totalRows;
    this.totalChunks = totalChunks;
  }

  void skipped(long plannedRows) {
    rowsDone += plannedRows;
    chunksDone++;
  }

  void committed(int chunk, long plannedRows, long rowsOut, long deadLetter, long version) {
    rowsDone += plannedRows;
    rowsDoneNow += plannedRows;
    chunksDone++;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0 ? rowsDoneNow / seconds : 0;
    long remaining = totalRows - rowsDone;
    String eta = rate > 0 ? formatDuration((long) (remaining / rate)) : "?";
    out.printf("chunk %d/%d committed (table version %d): %,d rows out, %,d dead-letter | %,d/%,d rows (%.0f%%) | %,.0f rows/s | ETA %s%n",
        chunk + 1, totalChunks, version, rowsOut, deadLetter, rowsDone, totalRows,
        totalRows == 0 ? 100.0 : 100.0 * rowsDone / totalRows, rate, eta);
    out.flush();
  }

  void failed(int chunk, int attempt, String error, boolean willRetry) {
    out.printf("chunk %d/%d attempt %d failed: %s%s%n", chunk + 1, totalChunks, attempt, error,
        willRetry ? " (retrying)" : "");
    out.flush();
  }

  static String formatDuration(long seconds) {
    return String.format("%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }
}
