package io.lakebatch.jobs;

import io.lakebatch.catalog.store.RunStore;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the run store every few seconds that the driver is alive and how many rows of the current
 * chunk are scored (from the tasks finished so far), so {@code lakebatch status} moves between chunk
 * commits.
 */
final class Heartbeat implements AutoCloseable {
  static final long INTERVAL_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final RunStore runs;
  private final String runId;
  private final LongAccumulator scoredRows;
  private final ScheduledExecutorService timer;
  private volatile long chunkBase;
  private volatile long chunkRows;

  private Heartbeat(RunStore runs, String runId, LongAccumulator scoredRows) {
    this.runs = runs;
    this.runId = runId;
    this.scoredRows = scoredRows;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "lakebatch-heartbeat-" + runId);
      thread.setDaemon(true);
      return thread;
    });
  }

  static Heartbeat start(RunStore runs, String runId, LongAccumulator scoredRows) {
    Heartbeat heartbeat = new Heartbeat(runs, runId, scoredRows);
    heartbeat.timer.scheduleWithFixedDelay(heartbeat::beat, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    return heartbeat;
  }

  void chunkStarted(long plannedRows) {
    chunkBase = scoredRows.value();
    chunkRows = plannedRows;
  }

  /** The chunk is committed: its rows now count through the ledger, none are in flight. */
  void chunkEnded() {
    chunkRows = 0;
    chunkBase = scoredRows.value();
    beat();
  }

  private void beat() {
    try {
      long inFlight = Math.max(0, Math.min(chunkRows, scoredRows.value() - chunkBase));
      runs.heartbeat(runId, inFlight);
    } catch (RuntimeException e) {
      LOG.warn("run {}: heartbeat not stored: {}", runId, e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
