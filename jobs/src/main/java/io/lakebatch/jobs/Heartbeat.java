package io.lakebatch.jobs;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunStore;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the run store every few seconds that the driver is alive and how many rows of the current
 * chunks in flight are scored (from the tasks finished so far), so {@code lakebatch status} moves
 * between chunk commits. It runs from the moment the driver takes the run, so a long planning phase
 * does not look like a dead driver. When the store refuses a beat because another driver took the
 * run over (fenced), the heartbeat stops and {@link #throwIfFenced()} makes the driver stop at its
 * next check.
 */
final class Heartbeat implements AutoCloseable {
  static final long INTERVAL_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final RunStore runs;
  private final RunLease lease;
  private final String runId;
  private volatile LakeBatchException fenced;
  private final LongAccumulator scoredRows;
  private final ScheduledExecutorService timer;
  private long chunkBase; // scored rows that no chunk in flight accounts for
  private long chunkRows; // planned rows of the chunks in flight

  private Heartbeat(RunStore runs, RunLease lease, LongAccumulator scoredRows) {
    this.runs = runs;
    this.lease = lease;
    this.runId = lease.runId();
    this.scoredRows = scoredRows;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread =
                  new Thread(
                      () -> {
                        try (RunLog.Tag ignored = RunLog.tag(runId)) {
                          r.run();
                        }
                      },
                      "lakebatch-heartbeat-" + runId);
              thread.setDaemon(true);
              return thread;
            });
  }

  static Heartbeat start(RunStore runs, RunLease lease, LongAccumulator scoredRows) {
    Heartbeat heartbeat = new Heartbeat(runs, lease, scoredRows);
    heartbeat.timer.scheduleWithFixedDelay(
        heartbeat::beat, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    return heartbeat;
  }

  /** A chunk of {@code plannedRows} starts; several may be in flight. */
  synchronized void chunkStarted(long plannedRows) {
    if (chunkRows == 0) {
      chunkBase = scoredRows.value();
    }
    chunkRows += plannedRows;
  }

  /**
   * A chunk of {@code plannedRows} ended (committed or failed): a committed chunk's rows now count
   * through the ledger.
   */
  synchronized void chunkEnded(long plannedRows) {
    chunkRows = Math.max(0, chunkRows - plannedRows);
    chunkBase = chunkRows == 0 ? scoredRows.value() : chunkBase + plannedRows;
  }

  /** Stores a beat now (besides the timer's). */
  void beat() {
    if (fenced != null) {
      return;
    }
    try {
      long inFlight;
      synchronized (this) {
        inFlight = Math.max(0, Math.min(chunkRows, scoredRows.value() - chunkBase));
      }
      runs.heartbeat(lease, inFlight);
    } catch (LakeBatchException e) {
      if (e.category() == ErrorCategory.CONFLICT) {
        fenced = e;
        LOG.error("run {}: {}", runId, e.getMessage());
        timer.shutdown();
      } else {
        LOG.warn("run {}: heartbeat not stored: {}", runId, e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.warn("run {}: heartbeat not stored: {}", runId, e.getMessage());
    }
  }

  /** Stops the driver if a beat found the run taken over by another driver. */
  void throwIfFenced() {
    if (fenced != null) {
      throw fenced;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
