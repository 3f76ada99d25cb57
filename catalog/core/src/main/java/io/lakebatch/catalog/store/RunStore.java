package io.lakebatch.catalog.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Runs, their chunk ledger and their state history.
 *
 * <p>Drivers are fenced. A driver gets the run by {@link #take}, one compare-and-set on what it
 * read, which raises the run's epoch and returns a {@link RunLease}. Every later write of the
 * driver (state moves, ledger, heartbeat) takes the lease and checks its epoch in the same
 * transaction, so a driver that another one took the run from changes nothing: its writes throw
 * {@code runFenced}. Liveness is judged on the store's clock (heartbeats are stamped and aged by
 * the database), never by comparing two hosts' clocks. Every state change checks {@link
 * RunState#canMoveTo} and is recorded in the history with the owner and epoch it was made under.
 * Progress is derived from the ledger (one row per chunk), so concurrent chunk updates never
 * overwrite each other's counts.
 *
 * <p>Creation, update, attempt and finish times shown to users are stamped by the implementation's
 * {@link java.time.Clock}; that clock never decides whether a driver is alive.
 */
public interface RunStore {

  /**
   * Records a run as QUEUED (epoch 0, no owner) with a PENDING ledger row per planned chunk, or
   * returns the existing record when the run id is already known (a rerun of the same spec).
   */
  RunRecord register(NewRun run);

  // ---------------------------------------------------------------- taking a run

  /**
   * Takes a run for {@code owner}: reads it once, judges whether it may be taken, and moves it to
   * PLANNING with one compare-and-set on what it read. A QUEUED or ended run may be taken (an ended
   * one is a rerun); a PLANNING or RUNNING one only when its driver is gone (see {@link
   * RunOwner#goneReason}). The take raises the epoch, sets the owner, counts an attempt, stamps the
   * heartbeat with the database's time and clears the cancel flag, error summary and finish time.
   * The history gets the moves that really happened, by {@code owner} under the new epoch, e.g.
   * {@code RUNNING -> QUEUED} ("driver ... is gone (...); resuming") then {@code QUEUED ->
   * PLANNING}. When another process changed the run in between, it is read and judged again.
   *
   * @param livenessTimeout how old, by the database's clock, the holder's heartbeat must be before
   *     it counts as gone: {@link RunOwner#HEARTBEAT_TIMEOUT}, or less for drivers that heartbeat
   *     often
   * @param beforeSwap runs after each judgement, right before its compare-and-set (a test hook to
   *     hold two takers at this point); {@code () -> {}} otherwise
   * @return the lease every later write of this driver passes
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runBusy} (USER) when a live driver
   *     holds the run, including one that took it between this read and the swap; {@code
   *     runNotFound} for an unknown run
   */
  RunLease take(String runId, RunOwner owner, Duration livenessTimeout, Runnable beforeSwap);

  // ---------------------------------------------------------------- writes of the driver holding a
  // lease

  /**
   * Moves the run of {@code lease} to {@code next}, if the lease still holds it and its state
   * allows the move. RUNNING stamps the heartbeat; an end state records {@code detail} as the error
   * summary (except SUCCEEDED) and the finish time; QUEUED gives the run back: the owner is cleared
   * and the epoch raised, so the lease ends.
   *
   * @param detail why: an error summary for FAILED/PARTIAL/CANCELLED, a note otherwise (may be
   *     null)
   * @throws IllegalArgumentException for PLANNING, which only {@link #take} moves to
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run; {@code illegalTransition} (USER) when the move is not legal from the
   *     current state
   */
  RunRecord transition(RunLease lease, RunState next, String detail);

  /**
   * Records, stamped with the database's time, that the driver is alive and how many rows it has
   * scored in uncommitted chunks.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  void heartbeat(RunLease lease, long rowsInFlight);

  /**
   * Throws unless {@code lease} still holds its run. The driver calls it right before each Delta
   * commit, so a driver that lost its run does not write to the output table.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  void checkLease(RunLease lease);

  /**
   * Records where the driver of {@code lease} writes its log.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  void setLogPath(RunLease lease, String logPath);

  /**
   * Marks a chunk RUNNING and counts an attempt.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  void chunkStarted(RunLease lease, int chunk);

  /**
   * Marks a chunk COMMITTED at a table version, with its row counts.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  void chunkCommitted(RunLease lease, ChunkCommit commit);

  /**
   * Marks a chunk FAILED with its error.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  void chunkFailed(RunLease lease, int chunk, String error);

  /**
   * Makes the ledger agree with the output table's Delta log, the source of truth, in one
   * transaction: chunks found in the log become COMMITTED with their table version; ledger rows
   * claiming a commit the log does not have, and rows left RUNNING or FAILED by an earlier attempt,
   * go back to PENDING.
   *
   * @return how many ledger rows changed
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  int reconcile(RunLease lease, Collection<ChunkCommit> inDeltaLog);

  /**
   * Re-creates missing ledger rows as PENDING, with their planned rows; returns how many it added.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runFenced} (CONFLICT) when another
   *     process took the run
   */
  int restoreLedger(RunLease lease, List<Long> chunkRows);

  // ---------------------------------------------------------------- writes of other processes

  /**
   * Asks a run to stop: a QUEUED one, or one whose driver is gone, is cancelled at once (its epoch
   * is raised and its owner cleared, so a driver that wakes up later is fenced); a run held by a
   * live driver is flagged and stops at its next chunk boundary. Like {@link #take}, the decision
   * is carried by a compare-and-set on what was read.
   *
   * @param livenessTimeout as for {@link #take}
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code illegalTransition} (USER) for an
   *     ended run
   */
  RunRecord requestCancel(String runId, Duration livenessTimeout);

  /**
   * Deletes a run's ledger rows, for repair and tests (a driver rebuilds them with {@link
   * #restoreLedger} and {@link #reconcile}); returns how many it deleted.
   */
  int deleteLedger(String runId);

  // ---------------------------------------------------------------- reads

  /**
   * Whether a run in the catalog writes its output or dead letters at {@code location} (as
   * qualified).
   */
  boolean knowsTable(String location);

  /** The run with this id, if the store knows it. */
  Optional<RunRecord> find(String runId);

  /**
   * The run with this id.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runNotFound} (USER) for an unknown
   *     run
   */
  RunRecord get(String runId);

  /** Runs, newest first. */
  List<RunRecord> list(RunFilter filter);

  /** The ledger of a run, by chunk index. */
  List<ChunkRecord> chunks(String runId);

  /**
   * The state changes of a run, oldest first, as {@code AT FROM -> TO[ by OWNER][ epoch N][:
   * detail]}.
   */
  List<String> history(String runId);

  /**
   * A run's progress ({@link RunProgress#of}) from its record and ledger, at the time of the
   * implementation's clock.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code runNotFound} (USER) for an unknown
   *     run
   */
  RunProgress progress(String runId);
}
