package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.ConcurrentTransactionException;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.OptimisticTransaction$;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.VersionChecksum;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.Format;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.actions.SetTransaction;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * A Delta table written one chunk per transaction. Each chunk commit carries its own {@code
 * SetTransaction(appId, version)} in the same atomic commit as its files, so a chunk is either
 * fully in the table with its id or not at all; Delta itself refuses a second write with a recorded
 * id.
 */
final class DeltaChunkTable {
  private final SparkSession spark;
  private final String path;

  DeltaChunkTable(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  String path() {
    return path;
  }

  private DeltaLog log() {
    return DeltaLog.forTable(spark, path);
  }

  boolean exists() {
    return log().tableExists();
  }

  /** The table's latest version, {@code -1} if there is no table yet. */
  long version() {
    DeltaLog log = log();
    return log.tableExists()
        ? log.update(false, ScalaInterop.none(), ScalaInterop.none()).version()
        : -1;
  }

  /** Transaction versions recorded in the table, by application id (empty if no table yet). */
  Map<String, Long> transactions() {
    DeltaLog log = log();
    if (!log.tableExists()) {
      return Map.of();
    }
    Snapshot snapshot = log.update(false, ScalaInterop.none(), ScalaInterop.none());
    Map<String, Long> result = new HashMap<>();
    for (SetTransaction txn : setTransactions(snapshot)) {
      result.put(txn.appId(), txn.version());
    }
    return result;
  }

  /**
   * The snapshot's transaction ids, from the commit's checksum file when it holds them (written by
   * every LakeBatch commit), else by reconstructing the table state (a Spark job).
   */
  private static List<SetTransaction> setTransactions(Snapshot snapshot) {
    scala.Option<VersionChecksum> checksum = snapshot.checksumOpt();
    if (checksum.isDefined() && checksum.get().setTransactions().isDefined()) {
      return ScalaInterop.list(checksum.get().setTransactions().get());
    }
    return ScalaInterop.list(snapshot.setTransactions());
  }

  /**
   * The version recorded for {@code appId} in the transaction's snapshot, registered as read by it.
   */
  private static long recordedVersion(OptimisticTransaction txn, String appId) {
    // What txn.txnVersion does, without its state reconstruction when the checksum knows the ids:
    // the read id makes a concurrent commit of the same id a conflict.
    txn.readTxn().$plus$eq(appId);
    for (SetTransaction recorded : setTransactions(txn.snapshot())) {
      if (recorded.appId().equals(appId)) {
        return recorded.version();
      }
    }
    return -1;
  }

  /** Fails before any work when an existing table cannot take rows of {@code schema}. */
  void checkAppendable(StructType schema, String field) {
    if (!exists()) {
      return;
    }
    StructType existing = spark.read().format("delta").load(path).schema();
    if (!existing.asNullable().equals(schema.asNullable())) {
      throw LakeBatchErrors.invalidSpec(
          field,
          "table "
              + path
              + " exists with schema "
              + existing.simpleString()
              + " but this job writes "
              + schema.simpleString()
              + "; write to a new path or use output.mode: overwrite");
    }
  }

  /**
   * Writes {@code rows} as data files of the table without committing them (one Spark job), or
   * returns empty when the table already records {@code appId}. The files join the table only
   * through {@link #commit(StagedChunk, String)}; files of a stage never committed are garbage that
   * {@code VACUUM} removes. The same commit creates the table with {@code schema} if it does not
   * exist yet, or, when {@code replace}, removes every file it has (and takes {@code schema}), as
   * {@code mode("overwrite")} would.
   */
  Optional<StagedChunk> stage(
      Dataset<Row> rows, String appId, long txnVersion, StructType schema, boolean replace) {
    OptimisticTransaction txn = log().startTransaction();
    if (recordedVersion(txn, appId) >= txnVersion) {
      return Optional.empty();
    }
    List<Action> actions = new ArrayList<>();
    if (txn.snapshot().version() < 0) {
      txn.updateMetadataForNewTable(
          new Metadata(
              UUID.randomUUID().toString(),
              null,
              null,
              new Format("parquet", ScalaInterop.immutableMap(Map.of())),
              schema.json(),
              ScalaInterop.seq(List.of()),
              ScalaInterop.immutableMap(Map.of()),
              scala.Option.apply(System.currentTimeMillis())));
    } else if (replace) {
      for (AddFile existing : ScalaInterop.list(txn.filterFiles())) {
        actions.add(existing.remove());
      }
      Metadata current = txn.metadata();
      if (!current.schema().asNullable().equals(schema.asNullable())) {
        txn.updateMetadata(
            current.copy(
                current.id(),
                current.name(),
                current.description(),
                current.format(),
                schema.json(),
                current.partitionColumns(),
                current.configuration(),
                current.createdTime()),
            false);
      }
    }
    OptimisticTransaction$.MODULE$.setActive(txn);
    try {
      long written = 0;
      for (FileAction file : ScalaInterop.list(txn.writeFiles(rows))) {
        actions.add(file);
        if (file instanceof AddFile add && add.numLogicalRecords().isDefined()) {
          written += (Long) add.numLogicalRecords().get();
        }
      }
      return Optional.of(
          new StagedChunk(
              txn,
              actions,
              appId,
              txnVersion,
              written,
              replace ? SaveMode.Overwrite : SaveMode.Append));
    } finally {
      OptimisticTransaction$.MODULE$.clearActive();
    }
  }

  /**
   * Stages data files that Spark tasks already wrote into the table's folder (outside Delta) for
   * one chunk commit, or returns empty when the table already records {@code appId}. As with {@link
   * #stage}, the files join the table only through {@link #commit(StagedChunk, String)}, files
   * never committed are garbage for {@code VACUUM}, and the commit creates the table with {@code
   * schema} if it does not exist yet.
   */
  Optional<StagedChunk> stageFiles(
      List<AddFile> files, String appId, long txnVersion, StructType schema) {
    OptimisticTransaction txn = log().startTransaction();
    if (recordedVersion(txn, appId) >= txnVersion) {
      return Optional.empty();
    }
    if (txn.snapshot().version() < 0) {
      txn.updateMetadataForNewTable(
          new Metadata(
              UUID.randomUUID().toString(),
              null,
              null,
              new Format("parquet", ScalaInterop.immutableMap(Map.of())),
              schema.json(),
              ScalaInterop.seq(List.of()),
              ScalaInterop.immutableMap(Map.of()),
              scala.Option.apply(System.currentTimeMillis())));
    }
    long rows = 0;
    long bytes = 0;
    for (AddFile file : files) {
      rows += (Long) file.numLogicalRecords().get();
      bytes += file.size();
    }
    // writeFiles registers these for stage(); the commit's operation metrics are where history()
    // reads a chunk's rows from.
    txn.registerSQLMetrics(
        spark,
        ScalaInterop.immutableMap(
            Map.of(
                "numFiles",
                metric("numFiles", files.size()),
                "numOutputBytes",
                metric("numOutputBytes", bytes),
                "numOutputRows",
                metric("numOutputRows", rows))));
    return Optional.of(
        new StagedChunk(txn, List.<Action>copyOf(files), appId, txnVersion, rows, SaveMode.Append));
  }

  private SQLMetric metric(String name, long value) {
    SQLMetric metric = SQLMetrics.createMetric(spark.sparkContext(), name);
    metric.add(value);
    return metric;
  }

  /**
   * Commits a stage's files with its {@code SetTransaction} in one atomic commit; returns empty
   * when another writer recorded the same id first (its commit holds the same rows).
   */
  Optional<ChunkCommit> commit(StagedChunk staged, String userMetadata) {
    List<Action> actions = new ArrayList<>(staged.actions());
    actions.add(
        new SetTransaction(
            staged.appId(), staged.txnVersion(), scala.Option.apply(System.currentTimeMillis())));
    try {
      long version =
          staged
              .txn()
              .commit(
                  ScalaInterop.seq(actions),
                  new DeltaOperations.Write(
                      staged.mode(),
                      ScalaInterop.none(),
                      ScalaInterop.none(),
                      scala.Option.apply(userMetadata)));
      return Optional.of(new ChunkCommit(version, staged.rows()));
    } catch (ConcurrentTransactionException e) {
      return Optional.empty();
    }
  }

  /**
   * Replaces the table's content in one commit: removes every file it has and adds {@code adds},
   * recording {@code appId}; creates the table with {@code schema} if there is none. Returns empty
   * when {@code appId} is already recorded (published before).
   *
   * @param expectedVersion the table version run {@code runId} started from; another version fails
   *     as a conflict, since the replacement would drop changes the run never saw
   */
  Optional<ChunkCommit> replace(
      String runId,
      List<Action> adds,
      String appId,
      long expectedVersion,
      StructType schema,
      String userMetadata) {
    OptimisticTransaction txn = log().startTransaction();
    if (recordedVersion(txn, appId) >= 1) {
      return Optional.empty();
    }
    if (txn.snapshot().version() != expectedVersion) {
      throw LakeBatchErrors.outputChanged(
          runId,
          path,
          "the table is at version "
              + txn.snapshot().version()
              + ", not "
              + expectedVersion
              + " as when the run started");
    }
    List<Action> actions = new ArrayList<>();
    if (txn.snapshot().version() < 0) {
      txn.updateMetadataForNewTable(
          new Metadata(
              UUID.randomUUID().toString(),
              null,
              null,
              new Format("parquet", ScalaInterop.immutableMap(Map.of())),
              schema.json(),
              ScalaInterop.seq(List.of()),
              ScalaInterop.immutableMap(Map.of()),
              scala.Option.apply(System.currentTimeMillis())));
    } else {
      for (AddFile existing : ScalaInterop.list(txn.filterFiles())) {
        actions.add(existing.remove());
      }
      Metadata current = txn.metadata();
      if (!current.schema().asNullable().equals(schema.asNullable())) {
        txn.updateMetadata(
            current.copy(
                current.id(),
                current.name(),
                current.description(),
                current.format(),
                schema.json(),
                current.partitionColumns(),
                current.configuration(),
                current.createdTime()),
            false);
      }
    }
    actions.addAll(adds);
    long rows = 0;
    for (Action action : adds) {
      if (action instanceof AddFile add && add.numLogicalRecords().isDefined()) {
        rows += (Long) add.numLogicalRecords().get();
      }
    }
    return commit(new StagedChunk(txn, actions, appId, 1, rows, SaveMode.Overwrite), userMetadata);
  }

  /** Data files written for one chunk, waiting for their commit. */
  record StagedChunk(
      OptimisticTransaction txn,
      List<Action> actions,
      String appId,
      long txnVersion,
      long rows,
      SaveMode mode) {}

  /** The commit that recorded {@code appId}, searching from version {@code from}. */
  Optional<ChunkCommit> findCommit(String appId, long from) {
    return history(from).stream()
        .filter(c -> c.appIds().contains(appId))
        .findFirst()
        .map(c -> new ChunkCommit(c.version(), c.rows()));
  }

  /**
   * The table versions that recorded an application id starting with {@code appIdPrefix}, by the
   * id's suffix (the chunk index), read from the Delta log. Versions already cleaned up from the
   * log are not seen.
   */
  Map<Integer, ChunkCommit> chunkCommits(String appIdPrefix) {
    Map<Integer, ChunkCommit> commits = new HashMap<>();
    for (TableCommit commit : history(0)) {
      for (String appId : commit.appIds()) {
        if (appId.startsWith(appIdPrefix)) {
          commits.put(
              Integer.parseInt(appId.substring(appIdPrefix.length())),
              new ChunkCommit(commit.version(), commit.rows()));
        }
      }
    }
    return commits;
  }

  /** Every commit of the table from version {@code from} on, oldest first (empty if no table). */
  List<TableCommit> history(long from) {
    DeltaLog log = log();
    if (!log.tableExists()) {
      return List.of();
    }
    List<TableCommit> commits = new ArrayList<>();
    scala.collection.Iterator<Tuple2<Object, scala.collection.Seq<Action>>> changes =
        log.getChanges(from, false);
    while (changes.hasNext()) {
      Tuple2<Object, scala.collection.Seq<Action>> change = changes.next();
      List<String> appIds = new ArrayList<>();
      long rows = -1;
      long timestamp = -1;
      String operation = "";
      String userMetadata = "";
      long removedData = 0;
      for (Action action : ScalaInterop.list(change._2())) {
        if (action instanceof RemoveFile remove && remove.dataChange()) {
          removedData++;
        } else if (action instanceof SetTransaction t) {
          appIds.add(t.appId());
        } else if (action instanceof CommitInfo info) {
          operation = info.operation();
          timestamp = info.timestamp().getTime();
          userMetadata = info.userMetadata().isDefined() ? info.userMetadata().get() : "";
          if (info.operationMetrics().isDefined()) {
            String value = ScalaInterop.map(info.operationMetrics().get()).get("numOutputRows");
            rows = value == null ? -1 : Long.parseLong(value);
          }
        }
      }
      commits.add(
          new TableCommit(
              (Long) change._1(), timestamp, operation, userMetadata, rows, appIds, removedData));
    }
    return commits;
  }

  /** A chunk's commit: the table version it made and the rows it added ({@code -1} if unknown). */
  record ChunkCommit(long version, long rows) {}

  /** One commit of the table as its log records it. */
  /**
   * @param removedData files this commit removed as a data change (an overwrite, a delete; not
   *     OPTIMIZE)
   */
  record TableCommit(
      long version,
      long timestampMillis,
      String operation,
      String userMetadata,
      long rows,
      List<String> appIds,
      long removedData) {}
}
