package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.catalog.store.RunStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run under way on a thread of its own, from {@link LakeBatch#run}: its id, its progress, a way
 * to cancel it at its next chunk boundary, and its summary once it ends.
 */
public final class RunHandle {
  private static final Logger LOG = LoggerFactory.getLogger(RunHandle.class);

  private final RunPlan plan;
  private final RunStore runs;
  private final Duration livenessTimeout;
  private final CompletableFuture<RunSummary> result = new CompletableFuture<>();
  private final AtomicBoolean cancelRequested = new AtomicBoolean();

  RunHandle(RunPlan plan, RunStore runs, Duration livenessTimeout) {
    this.plan = requireNonNull(plan, "plan is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.livenessTimeout = requireNonNull(livenessTimeout, "livenessTimeout is null");
  }

  /** The run's id, as {@code lakebatch status} knows it. */
  public String runId() {
    return plan.runId();
  }

  /** The run as planned. */
  public RunPlan plan() {
    return plan;
  }

  /** How far the run is now, from the run store (rows scored within the current chunk included). */
  public RunProgress progress() {
    return runs.progress(runId());
  }

  /**
   * Asks the run to stop before its next chunk, as {@code lakebatch cancel} does: committed chunks
   * stay, the run ends CANCELLED, and a rerun of the spec resumes it. Does nothing once the run
   * ended.
   */
  public void cancel() {
    if (result.isDone() || !cancelRequested.compareAndSet(false, true)) {
      return;
    }
    try {
      // The store's flag is what `lakebatch status` shows; this driver stops on its own flag as
      // well.
      runs.find(runId())
          .filter(
              r ->
                  !r.state().isTerminal()
                      && r.state() != io.lakebatch.catalog.store.RunState.QUEUED)
          .ifPresent(r -> runs.requestCancel(runId(), livenessTimeout));
    } catch (RuntimeException e) {
      LOG.warn(
          "run {}: cancel not recorded in the run store ({}); the run still stops at its next chunk",
          runId(),
          e.getMessage());
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean cancelRequested() {
    return cancelRequested.get();
  }

  /** Whether the run ended (with a summary or an error). */
  public boolean isDone() {
    return result.isDone();
  }

  /**
   * Waits for the run to end and returns its summary.
   *
   * @throws RuntimeException the error that stopped the run (a {@code LakeBatchException} with its
   *     category for known failures), as {@code lakebatch run} reports it
   */
  public RunSummary await() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for run " + runId(), e);
    } catch (ExecutionException e) {
      throw rethrow(e);
    }
  }

  /**
   * Waits at most {@code timeout} for the run to end; empty if it has not.
   *
   * @throws RuntimeException the error that stopped the run, as for {@link #await()}
   */
  public Optional<RunSummary> await(Duration timeout) {
    try {
      return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for run " + runId(), e);
    } catch (ExecutionException e) {
      throw rethrow(e);
    }
  }

  /** The run's summary once it ended with one (not when it failed with an error); empty before. */
  public Optional<RunSummary> summary() {
    return result.isDone() && !result.isCompletedExceptionally()
        ? Optional.of(result.join())
        : Optional.empty();
  }

  void complete(RunSummary summary) {
    result.complete(summary);
  }

  void fail(Throwable error) {
    result.completeExceptionally(error);
  }

  private static RuntimeException rethrow(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException("run failed: " + cause, cause);
  }
}
