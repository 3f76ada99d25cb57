package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.RunEvent;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.planner.Chunk;

/**
 * Runs one chunk to its outcome: score, then commit, each attempt recorded in the ledger and told
 * to the listeners; a failed attempt is retried as {@link RetryPolicy} decides.
 */
final class ChunkAttempts {
  private final PreparedRun prepared;
  private final RunStore runs;
  private final RunLease lease;
  private final ChunkScorer scorer;
  private final ChunkCommitter committer;
  private final RetryPolicy retries;
  private final RunEvents events;

  ChunkAttempts(
      PreparedRun prepared,
      RunStore runs,
      RunLease lease,
      ChunkScorer scorer,
      ChunkCommitter committer,
      RetryPolicy retries,
      RunEvents events) {
    this.prepared = requireNonNull(prepared, "prepared is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.lease = requireNonNull(lease, "lease is null");
    this.scorer = requireNonNull(scorer, "scorer is null");
    this.committer = requireNonNull(committer, "committer is null");
    this.retries = requireNonNull(retries, "retries is null");
    this.events = requireNonNull(events, "events is null");
  }

  /**
   * Committed, staged, or failed after its last attempt; a user or internal error fails the run
   * (thrown).
   */
  ChunkOutcome run(Chunk chunk) {
    String runId = prepared.runId();
    int chunks = prepared.plan().chunks().size();
    for (int attempt = 1; ; attempt++) {
      runs.chunkStarted(lease, chunk.index());
      events.emit(new RunEvent.ChunkStarted(runId, chunk.index(), chunks, chunk.rows(), attempt));
      try {
        return scorer
            .score(chunk)
            .map(committer::commit)
            .orElseGet(() -> committer.committedEarlier(chunk));
      } catch (Exception e) { // Spark throws undeclared checked exceptions (SparkException)
        ErrorCategory category =
            LakeBatchException.findIn(e)
                .map(LakeBatchException::category)
                .orElse(ErrorCategory.TRANSIENT);
        RetryPolicy.Decision decision = retries.afterFailure(category, attempt);
        if (decision == RetryPolicy.Decision.FAIL_RUN) {
          throw RunExecutor.unchecked(e);
        }
        String message =
            LakeBatchException.findIn(e)
                .map(Throwable::getMessage)
                .orElse(LakeBatchErrors.rootMessage(e));
        boolean retrying = decision == RetryPolicy.Decision.RETRY;
        events.emit(
            new RunEvent.ChunkFailed(
                runId,
                chunk.index(),
                chunks,
                attempt,
                message,
                retrying,
                decision == RetryPolicy.Decision.GIVE_UP_RUN_BUDGET_USED));
        if (!retrying) {
          return new ChunkOutcome.Failed(chunk.index(), attempt, message);
        }
        retries.awaitBackoff(attempt);
      }
    }
  }
}
