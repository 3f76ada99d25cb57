package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.ChunkCommit;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.planner.Chunk;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a run's ledger in the run store agree with what its output holds before its chunks run: the
 * Delta log for an append run (the log is the source of truth), the staged chunks for an overwrite
 * run; and proves that chunks an append run finds committed still hold its rows.
 */
final class LedgerReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerReconciler.class);

  private final PreparedRun prepared;
  private final RunStore runs;
  private final RunLease lease;

  LedgerReconciler(PreparedRun prepared, RunStore runs, RunLease lease) {
    this.prepared = requireNonNull(prepared, "prepared is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.lease = requireNonNull(lease, "lease is null");
  }

  /**
   * The ledger of an overwrite run: its staged chunks are done (version {@code -1} until
   * published); anything else runs again.
   */
  int reconcileStaged(Map<Integer, PinnedInputs.StagedChunk> staged, long publishedVersion) {
    int restored =
        runs.restoreLedger(lease, prepared.plan().chunks().stream().map(Chunk::rows).toList());
    List<ChunkCommit> commits =
        staged.values().stream()
            .map(c -> new ChunkCommit(c.chunk(), publishedVersion, c.rowsOut(), c.deadLetterRows()))
            .toList();
    return restored + runs.reconcile(lease, commits);
  }

  /**
   * Proves, before an append run resumes, that the chunks the output records as committed still
   * hold this run's rows: each committed chunk's splits hash (in its commit metadata) must equal
   * the stored plan's — a mismatch means old chunk ids would map onto other rows — and no other
   * writer may have removed data from the table since the run's first commit (an overwrite or
   * delete would leave recorded chunk ids whose rows are gone).
   */
  void checkCommittedSplits(DeltaChunkTable output) {
    String prefix = prepared.key().chunkAppIdPrefix("output");
    long firstCommit = -1;
    for (DeltaChunkTable.TableCommit commit : output.history(0)) {
      Optional<CommitMetadata> metadata = CommitMetadata.parse(commit.userMetadata());
      boolean ours = metadata.map(m -> m.runKey().equals(prepared.key().value())).orElse(false);
      if (!ours && firstCommit >= 0 && commit.removedData() > 0) {
        throw LakeBatchErrors.outputChanged(
            prepared.runId(),
            output.path(),
            "version "
                + commit.version()
                + " ("
                + commit.operation()
                + (metadata.isPresent() ? " by run " + metadata.get().runId() : "")
                + ") removed "
                + commit.removedData()
                + " data file(s) after this run's first commit at version "
                + firstCommit
                + ", so chunks it recorded may have lost their rows");
      }
      for (String appId : commit.appIds()) {
        if (!appId.startsWith(prefix)
            || metadata.isEmpty()
            || metadata.get().splitsHash().isEmpty()) {
          continue;
        }
        firstCommit = firstCommit < 0 ? commit.version() : firstCommit;
        int chunk = Integer.parseInt(appId.substring(prefix.length()));
        String planned =
            chunk < prepared.plan().chunks().size()
                ? prepared.plan().chunks().get(chunk).splitsHash()
                : "(no such chunk)";
        if (!planned.equals(metadata.get().splitsHash())) {
          throw LakeBatchErrors.outputChanged(
              prepared.runId(),
              output.path(),
              "chunk "
                  + chunk
                  + " was committed at version "
                  + commit.version()
                  + " over splits "
                  + metadata.get().splitsHash()
                  + ", but the run's stored plan gives it splits "
                  + planned);
        }
      }
    }
  }

  /**
   * Makes the ledger agree with the Delta log, which is the source of truth. The log is only
   * scanned when the ledger's committed chunks differ from the transactions the output table
   * records.
   *
   * @return ledger rows changed
   */
  int reconcile(DeltaChunkTable output, DeltaChunkTable deadLetter, Map<String, Long> outputTxns) {
    String runId = prepared.runId();
    RunKey key = prepared.key();
    int restored =
        runs.restoreLedger(lease, prepared.plan().chunks().stream().map(Chunk::rows).toList());
    Set<Integer> inLog = new HashSet<>();
    for (Chunk chunk : prepared.plan().chunks()) {
      if (outputTxns.containsKey(key.chunkAppId("output", chunk.index()))) {
        inLog.add(chunk.index());
      }
    }
    List<ChunkRecord> ledger = runs.chunks(runId);
    Set<Integer> inLedger = new HashSet<>();
    ledger.stream()
        .filter(c -> c.state() == ChunkState.COMMITTED)
        .forEach(c -> inLedger.add(c.chunk()));
    boolean stale =
        ledger.stream()
            .anyMatch(c -> c.state() == ChunkState.RUNNING || c.state() == ChunkState.FAILED);
    if (inLog.equals(inLedger) && !stale) {
      return restored;
    }
    Map<Integer, DeltaChunkTable.ChunkCommit> outputCommits =
        inLog.equals(inLedger) ? Map.of() : output.chunkCommits(key.chunkAppIdPrefix("output"));
    Map<Integer, DeltaChunkTable.ChunkCommit> badCommits =
        inLog.equals(inLedger)
            ? Map.of()
            : deadLetter.chunkCommits(key.chunkAppIdPrefix("dead-letter"));
    List<ChunkCommit> commits = new ArrayList<>();
    for (ChunkRecord row : ledger) {
      if (!inLog.contains(row.chunk())) {
        continue;
      }
      DeltaChunkTable.ChunkCommit commit = outputCommits.get(row.chunk());
      if (commit == null) {
        // Ledger and log agree on this chunk; keep what the ledger has.
        commits.add(
            new ChunkCommit(
                row.chunk(),
                row.deltaVersion().orElse(-1L),
                row.rowsOut().orElse(-1L),
                row.deadLetterRows().orElse(0L)));
      } else {
        DeltaChunkTable.ChunkCommit bad = badCommits.get(row.chunk());
        commits.add(
            new ChunkCommit(
                row.chunk(), commit.version(), commit.rows(), bad == null ? 0 : bad.rows()));
      }
    }
    int changed = restored + runs.reconcile(lease, commits);
    LOG.info(
        "run {}: ledger synced with the Delta log of {} ({} rows changed)",
        runId,
        output.path(),
        changed);
    return changed;
  }
}
