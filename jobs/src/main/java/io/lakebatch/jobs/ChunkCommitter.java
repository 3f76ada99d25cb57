package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.ChunkCommit;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.planner.Chunk;
import java.util.List;
import java.util.Optional;

/**
 * Commits a scored chunk under its own transaction ids: its dead letters first, then its output, so
 * the output commit marks the chunk complete (a crash between the two reruns the chunk, and Delta
 * skips the dead-letter commit whose id is recorded). Every commit checks the driver's lease first.
 * In an {@code overwrite} run, the output files are staged in the catalog instead, and {@link
 * #publish()} replaces the table with every staged chunk in one commit. Commits of chunks in flight
 * together are made one at a time (the first dead-letter commit creates its table).
 */
final class ChunkCommitter {
  private final PreparedRun prepared;
  private final RunStore runs;
  private final RunLease lease;
  private final PinnedInputs pins;
  private final DeltaChunkTable output;
  private final DeltaChunkTable deadLetter;
  private final Optional<OverwritePublication> publication;

  ChunkCommitter(
      PreparedRun prepared,
      RunStore runs,
      RunLease lease,
      PinnedInputs pins,
      DeltaChunkTable output,
      DeltaChunkTable deadLetter,
      Optional<OverwritePublication> publication) {
    this.prepared = requireNonNull(prepared, "prepared is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.lease = requireNonNull(lease, "lease is null");
    this.pins = requireNonNull(pins, "pins is null");
    this.output = requireNonNull(output, "output is null");
    this.deadLetter = requireNonNull(deadLetter, "deadLetter is null");
    this.publication = requireNonNull(publication, "publication is null");
  }

  /**
   * Commits (or, overwriting, stages) a scored chunk: {@link ChunkOutcome.Committed} or {@link
   * ChunkOutcome.Staged}.
   */
  synchronized ChunkOutcome commit(ChunkScorer.ScoredChunk scored) {
    Chunk chunk = scored.chunk();
    long rejected = scored.deadLetters().rows();
    runs.checkLease(lease);
    if (rejected > 0) {
      commitDeadLetters(chunk, scored.deadLetters());
    }
    long rowsOut = scored.output().rows();
    if (publication.isPresent()) {
      publication.get().stage(chunk.index(), scored.output(), rejected);
      return new ChunkOutcome.Staged(chunk.index(), rowsOut + rejected, rowsOut, rejected);
    }
    runs.checkLease(lease);
    String outputId = prepared.key().chunkAppId("output", chunk.index());
    DeltaChunkTable.ChunkCommit commit =
        output
            .commit(scored.output(), commitMetadata(chunk))
            .orElseGet(
                () ->
                    output
                        .findCommit(outputId, 0)
                        .orElseThrow(
                            () ->
                                LakeBatchErrors.internal(
                                    "chunk "
                                        + chunk.index()
                                        + " is not in "
                                        + output.path()
                                        + " after its commit",
                                    null)));
    return new ChunkOutcome.Committed(
        chunk.index(), rowsOut + rejected, rowsOut, rejected, commit.version());
  }

  /**
   * Commits the dead-letter files the chunk's tasks wrote, exactly those, with the chunk's
   * transaction id.
   */
  private void commitDeadLetters(Chunk chunk, DeadLetterFiles letters) {
    // Skipped by Delta when its id is already recorded: an earlier attempt crashed between this
    // commit and the output commit, and its dead letters are these same rows (the files written
    // now are never committed).
    String metadata = commitMetadata(chunk);
    deadLetter
        .stageFiles(
            letters.addFiles(),
            prepared.key().chunkAppId("dead-letter", chunk.index()),
            1,
            prepared.inference().deadLetterSchema())
        .ifPresent(staged -> deadLetter.commit(staged, metadata));
  }

  /**
   * A chunk another driver committed while this one scored it: its rows as the Delta log records
   * them.
   */
  ChunkOutcome.Committed committedEarlier(Chunk chunk) {
    RunKey key = prepared.key();
    DeltaChunkTable.ChunkCommit commit =
        output
            .findCommit(key.chunkAppId("output", chunk.index()), 0)
            .orElseThrow(
                () ->
                    LakeBatchErrors.internal(
                        "chunk "
                            + chunk.index()
                            + " is recorded in "
                            + output.path()
                            + " but its commit is not in the log",
                        null));
    long bad =
        deadLetter
            .findCommit(key.chunkAppId("dead-letter", chunk.index()), 0)
            .map(DeltaChunkTable.ChunkCommit::rows)
            .orElse(0L);
    return new ChunkOutcome.Committed(
        chunk.index(), commit.rows() + bad, commit.rows(), bad, commit.version());
  }

  /** Whether this run overwrites its output (stages chunks and publishes them at the end). */
  boolean overwrites() {
    return publication.isPresent();
  }

  /**
   * Publishes an overwrite run's staged chunks in one commit and records its version in the ledger.
   *
   * @return the chunks published and the table version of the commit
   */
  Published publish() {
    OverwritePublication overwrite =
        publication.orElseThrow(
            () ->
                new IllegalStateException(
                    "run " + prepared.runId() + " appends; it has nothing to publish"));
    List<PinnedInputs.StagedChunk> chunks = pins.staged(prepared.runId());
    long version = overwrite.publish(chunks, CommitMetadata.of(prepared, -1).toJson());
    for (PinnedInputs.StagedChunk chunk : chunks) {
      runs.chunkCommitted(
          lease, new ChunkCommit(chunk.chunk(), version, chunk.rowsOut(), chunk.deadLetterRows()));
    }
    return new Published(chunks.size(), version);
  }

  /** An overwrite run's publishing commit. */
  record Published(int chunks, long tableVersion) {}

  private String commitMetadata(Chunk chunk) {
    return CommitMetadata.of(prepared, chunk.index()).toJson();
  }
}
