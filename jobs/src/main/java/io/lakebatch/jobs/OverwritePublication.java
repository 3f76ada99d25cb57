package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;

/**
 * An {@code overwrite} run's way to the output: each chunk's files are written into the output
 * table's folder but not committed; their {@code AddFile} actions are kept in the catalog (fenced
 * by the driver's lease). When every chunk is staged, one Delta commit removes the table's files
 * and adds all of the run's, with the run's own transaction id: readers see the old table or the
 * new one, never a mix, and a PARTIAL or cancelled run leaves the old table untouched.
 *
 * <p>The run records the output's version when it first started; if another writer changed the
 * table since, the run refuses to publish over it (its staged rows would silently replace rows it
 * never saw).
 */
final class OverwritePublication {
  private final SparkSession spark;
  private final PreparedRun prepared;
  private final DeltaChunkTable output;
  private final PinnedInputs pins;
  private final RunStore runs;
  private final RunLease lease;

  OverwritePublication(
      SparkSession spark,
      PreparedRun prepared,
      DeltaChunkTable output,
      PinnedInputs pins,
      RunStore runs,
      RunLease lease) {
    this.spark = spark;
    this.prepared = prepared;
    this.output = output;
    this.pins = pins;
    this.runs = runs;
    this.lease = lease;
  }

  /** The transaction id of the run's one output commit. */
  String appId() {
    return prepared.key().chunkAppId("publish", 0);
  }

  boolean published(Map<String, Long> outputTxns) {
    return outputTxns.containsKey(appId());
  }

  /** Fails when the output moved since the run started (and the run has not published). */
  void checkOutputUnchanged() {
    long base = pins.find(prepared.runId()).orElseThrow().outputBaseVersion();
    long now = output.version();
    if (now != base) {
      throw LakeBatchErrors.outputChanged(
          prepared.runId(),
          output.path(),
          "the table was at version "
              + base
              + " when this overwrite run started and is at version "
              + now
              + " now: another writer changed it");
    }
  }

  /**
   * The chunks staged by earlier attempts whose files are all still in the output folder, by chunk;
   * staged chunks with a missing file are forgotten and run again.
   */
  Map<Integer, PinnedInputs.StagedChunk> stagedChunks() {
    Map<Integer, PinnedInputs.StagedChunk> staged = new TreeMap<>();
    List<Integer> lost = new ArrayList<>();
    DeltaLog log = DeltaLog.forTable(spark, output.path());
    for (PinnedInputs.StagedChunk chunk : pins.staged(prepared.runId())) {
      if (allFilesExist(log, chunk)) {
        staged.put(chunk.chunk(), chunk);
      } else {
        lost.add(chunk.chunk());
      }
    }
    if (!lost.isEmpty()) {
      pins.unstage(prepared.runId(), lost);
    }
    return staged;
  }

  private boolean allFilesExist(DeltaLog log, PinnedInputs.StagedChunk chunk) {
    try {
      for (Action action : DeltaActionsJson.read(chunk.filesJson())) {
        if (action instanceof AddFile add) {
          Path file = add.absolutePath(log);
          if (!file.getFileSystem(spark.sessionState().newHadoopConf()).exists(file)) {
            return false;
          }
        }
      }
      return true;
    } catch (IOException e) {
      throw LakeBatchErrors.transientFailure(
          "checking the staged files of chunk " + chunk.chunk(), e);
    }
  }

  /**
   * Keeps a chunk's written files for the publication; a driver that lost the run keeps nothing.
   */
  void stage(int chunk, DeltaChunkTable.StagedChunk files, long deadLetterRows) {
    PinnedInputs.StagedChunk staged =
        new PinnedInputs.StagedChunk(
            chunk, files.rows(), deadLetterRows, DeltaActionsJson.write(files.actions()));
    if (!pins.stage(prepared.runId(), lease.epoch(), staged)) {
      runs.checkLease(lease);
      throw LakeBatchErrors.internal(
          "chunk " + chunk + " of run " + prepared.runId() + " could not be staged", null);
    }
  }

  /** Replaces the table with every staged chunk's files in one commit; returns its version. */
  long publish(List<PinnedInputs.StagedChunk> chunks, String userMetadata) {
    List<Action> adds = new ArrayList<>();
    for (PinnedInputs.StagedChunk chunk : chunks) {
      adds.addAll(DeltaActionsJson.read(chunk.filesJson()));
    }
    runs.checkLease(lease);
    long base = pins.find(prepared.runId()).orElseThrow().outputBaseVersion();
    return output
        .replace(
            prepared.runId(),
            adds,
            appId(),
            base,
            prepared.inference().outputSchema(),
            userMetadata)
        .map(DeltaChunkTable.ChunkCommit::version)
        .orElseGet(
            () ->
                output
                    .findCommit(appId(), 0)
                    .orElseThrow(
                        () ->
                            LakeBatchErrors.outputChanged(
                                prepared.runId(),
                                output.path(),
                                "the table moved while the run published"))
                    .version());
  }
}
