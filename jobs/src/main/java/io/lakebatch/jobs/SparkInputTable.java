package io.lakebatch.jobs;

import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.InputSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InputFile;
import io.lakebatch.planner.InputFingerprint;
import io.lakebatch.planner.ParquetFooterReader;
import io.lakebatch.planner.PinnedFile;
import io.lakebatch.planner.PlannedTask;
import io.lakebatch.planner.ReaderBatchSize;
import io.lakebatch.planner.RowGroup;
import io.lakebatch.planner.RowGroupSource;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.paths.SparkPath;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.files.TahoeFileIndex;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.FileStatusWithMetadata;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitionDirectory;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Function1;

/**
 * The pinned input table as Spark sees it: its files with row counts for the planner, and a
 * DataFrame over exactly the splits of one chunk, read by the table's own Parquet reader (so Delta
 * column mapping and partition values work) with one Spark partition per planned task.
 */
public final class SparkInputTable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SparkInputTable.class);
  private final SparkSession spark;
  private final InputSpec spec;
  private final long version;
  private final Dataset<Row> table;
  private final HadoopFsRelation relation;
  private final Map<String, InternalRow> partitionValues = new HashMap<>();
  private final Map<String, Long> sizes = new HashMap<>();
  private final Map<String, Long> modificationTimes = new HashMap<>();
  private final Map<String, Long> deltaRows = new HashMap<>();
  private boolean listedFromDeltaLog;

  private final ParquetFooterReader footers;
  private final Map<String, List<RowGroup>> footerCache = new ConcurrentHashMap<>();
  private final Map<Integer, SparkSession> readerSessions = new ConcurrentHashMap<>();
  // the footer read behind a column set's reader batch size happens once, not per chunk
  private final Map<Set<String>, Integer> readerBatchRows = new ConcurrentHashMap<>();

  private SparkInputTable(
      SparkSession spark,
      InputSpec spec,
      long version,
      Dataset<Row> table,
      HadoopFsRelation relation) {
    this.spark = spark;
    this.spec = spec;
    this.version = version;
    this.table = table;
    this.relation = relation;
    this.footers = new ParquetFooterReader(spark.sparkContext().hadoopConfiguration());
  }

  /**
   * Opens the input for a new run, pinning a Delta table to {@code input.version} or to its latest
   * version now.
   */
  public static SparkInputTable open(SparkSession spark, InputSpec spec) {
    try {
      if (spec.format() == TableFormat.DELTA) {
        DeltaLog log = DeltaLog.forTable(spark, spec.path());
        if (!log.tableExists()) {
          throw LakeBatchErrors.inputNotFound(
              spec.path(), new IllegalStateException("no Delta log under " + spec.path()));
        }
        long latest = log.update(false, ScalaInterop.none(), ScalaInterop.none()).version();
        long version = spec.version().orElse(latest);
        if (version > latest) {
          throw LakeBatchErrors.invalidSpec(
              "input.version",
              "version "
                  + version
                  + " does not exist; the latest version of "
                  + spec.path()
                  + " is "
                  + latest);
        }
        return at(spark, spec, version);
      }
      return at(spark, spec, -1);
    } catch (io.lakebatch.catalog.error.LakeBatchException e) {
      throw e;
    } catch (Exception e) {
      throw LakeBatchErrors.inputNotFound(spec.path(), e);
    }
  }

  /**
   * Opens the input exactly as an unfinished run pinned it, and checks it still holds what the run
   * planned: the pinned Delta version must be readable and every pinned file present with its size
   * and modification time. Files added since (Parquet) are not part of the run.
   *
   * @return the table and the files found that the run did not pin (for a warning)
   * @throws io.lakebatch.catalog.error.LakeBatchException naming the version or file otherwise
   */
  public static Pinned openPinned(
      SparkSession spark, InputSpec spec, InputFingerprint pinned, String runId) {
    SparkInputTable input;
    try {
      input = at(spark, spec, pinned.version());
    } catch (Exception e) {
      if (spec.format() == TableFormat.DELTA) {
        throw LakeBatchErrors.pinnedInputUnreadable(runId, spec.path(), pinned.version(), e);
      }
      throw LakeBatchErrors.inputNotFound(spec.path(), e);
    }
    List<String> added = new ArrayList<>(input.sizes.keySet());
    for (PinnedFile file : pinned.files()) {
      Long size = input.sizes.get(file.path());
      if (size == null) {
        throw LakeBatchErrors.pinnedInputChanged(runId, file.path(), "is gone");
      }
      long mtime = input.modificationTimes.getOrDefault(file.path(), file.modificationTime());
      if (size != file.sizeBytes() || mtime != file.modificationTime()) {
        throw LakeBatchErrors.pinnedInputChanged(
            runId,
            file.path(),
            "was rewritten (size "
                + file.sizeBytes()
                + " -> "
                + size
                + " bytes, modified "
                + file.modificationTime()
                + " -> "
                + mtime
                + ")");
      }
      added.remove(file.path());
    }
    if (spec.format() == TableFormat.DELTA) {
      input.checkFilesExist(pinned, runId);
    }
    java.util.Collections.sort(added);
    return new Pinned(input, added);
  }

  /** An input opened as a run pinned it, and the files it now has that the run did not pin. */
  public record Pinned(SparkInputTable input, List<String> unpinnedFiles) {}

  /** Delta's log names files; VACUUM may have deleted them since. */
  private void checkFilesExist(InputFingerprint pinned, String runId) {
    org.apache.hadoop.conf.Configuration conf = spark.sessionState().newHadoopConf();
    for (PinnedFile file : pinned.files()) {
      try {
        Path path = new Path(file.path());
        if (!path.getFileSystem(conf).exists(path)) {
          throw LakeBatchErrors.pinnedInputChanged(
              runId,
              file.path(),
              "is gone (version " + pinned.version() + " still lists it: was the table vacuumed?)");
        }
      } catch (java.io.IOException e) {
        throw LakeBatchErrors.pinnedInputUnreadable(runId, spec.path(), pinned.version(), e);
      }
    }
  }

  private static SparkInputTable at(SparkSession spark, InputSpec spec, long version) {
    Dataset<Row> table =
        spec.format() == TableFormat.DELTA
            ? spark.read().format("delta").option("versionAsOf", version).load(spec.path())
            : spark.read().parquet(spec.path());
    SparkInputTable input =
        new SparkInputTable(spark, spec, version, table, relationOf(table, spec.path()));
    if (spec.format() != TableFormat.DELTA || !input.listDeltaLog()) {
      input.listFiles();
      if (spec.format() == TableFormat.DELTA) {
        input.readDeltaStatistics();
      }
    }
    return input;
  }

  private static HadoopFsRelation relationOf(Dataset<Row> table, String path) {
    LogicalPlan plan = table.queryExecution().analyzed();
    for (LogicalPlan leaf : ScalaInterop.list(plan.collectLeaves())) {
      if (leaf instanceof LogicalRelation logical
          && logical.relation() instanceof HadoopFsRelation fs) {
        return fs;
      }
    }
    throw LakeBatchErrors.unsupportedInput(
        path, "is not a file-based table Spark can split (plan: " + plan.nodeName() + ")");
  }

  private void listFiles() {
    for (PartitionDirectory directory :
        ScalaInterop.list(
            relation
                .location()
                .listFiles(ScalaInterop.seq(List.of()), ScalaInterop.seq(List.of())))) {
      InternalRow values = directory.values().copy();
      for (FileStatusWithMetadata file : ScalaInterop.list(directory.files())) {
        String path = file.getPath().toString();
        partitionValues.put(path, values);
        sizes.put(path, file.getLen());
        modificationTimes.put(path, file.getModificationTime());
      }
    }
  }

  /**
   * Lists the pinned version's files from its Delta log with {@link DeltaLogFiles}: what {@link
   * #listFiles} and {@link #readDeltaStatistics} find, without a Spark job.
   *
   * @return false when Kernel cannot read the table: Spark lists it instead
   */
  private boolean listDeltaLog() {
    if (!setting(LakeBatchSettings.READ_DELTA_LOG)) {
      return false;
    }
    List<DeltaLogFiles.DeltaFile> files;
    try {
      files =
          DeltaLogFiles.list(
              spark.sessionState().newHadoopConfWithOptions(relation.options()),
              spec.path(),
              version);
    } catch (io.delta.kernel.exceptions.KernelException e) {
      LOG.info(
          "Delta Kernel does not read {} ({}); Spark lists its files",
          spec.path(),
          LakeBatchErrors.rootMessage(e));
      return false;
    }
    TahoeFileIndex index = (TahoeFileIndex) relation.location();
    for (DeltaLogFiles.DeltaFile file : files) {
      if (file.hasDeletionVector()) {
        throw deletionVectorsUnsupported(file.path());
      }
      partitionValues.put(
          file.path(),
          index.getPartitionValuesRow(ScalaInterop.immutableMap(file.partitionValues())));
      sizes.put(file.path(), file.sizeBytes());
      modificationTimes.put(file.path(), file.modificationTime());
      file.rows().ifPresent(rows -> deltaRows.put(file.path(), rows));
    }
    listedFromDeltaLog = true;
    return true;
  }

  private RuntimeException deletionVectorsUnsupported(String file) {
    return LakeBatchErrors.unsupportedInput(
        spec.path(),
        "version "
            + version
            + " has deletion vectors (file "
            + file
            + "); run REORG TABLE ... APPLY (PURGE) first");
  }

  private void readDeltaStatistics() {
    DeltaLog log = DeltaLog.forTable(spark, spec.path());
    Snapshot snapshot = log.getSnapshotAt(version, ScalaInterop.none(), ScalaInterop.none());
    Map<String, String> byRelativePath = new HashMap<>();
    sizes.keySet().forEach(p -> byRelativePath.put(new Path(p).toUri().getPath(), p));
    for (AddFile add : snapshot.allFiles().collectAsList()) {
      if (add.deletionVector() != null) {
        throw deletionVectorsUnsupported(add.path());
      }
      String absolute = add.absolutePath(log).toUri().getPath();
      String listed = byRelativePath.get(absolute);
      if (listed != null && add.numPhysicalRecords().isDefined()) {
        deltaRows.put(listed, (Long) add.numPhysicalRecords().get());
      }
      if (listed != null) {
        modificationTimes.put(listed, add.modificationTime());
      }
    }
  }

  /** Whether the files were listed from the Delta log by Kernel (not by Spark's Delta). */
  boolean listedFromDeltaLog() {
    return listedFromDeltaLog;
  }

  public long version() {
    return version;
  }

  /** Data and partition columns, as users see them. */
  public StructType schema() {
    return table.schema();
  }

  /**
   * The files of the pinned input with row counts: Delta's {@code numRecords}, else the footer's.
   */
  public List<InputFile> files() {
    return fingerprint().inputFiles();
  }

  /**
   * The files of the input as opened, with sizes, modification times and rows: what a new run pins.
   */
  public InputFingerprint fingerprint() {
    List<PinnedFile> files = new ArrayList<>();
    for (Map.Entry<String, Long> file : sizes.entrySet()) {
      Long rows = deltaRows.get(file.getKey());
      long count =
          rows != null ? rows : rowGroups(file.getKey()).stream().mapToLong(RowGroup::rows).sum();
      files.add(
          new PinnedFile(
              file.getKey(),
              file.getValue(),
              modificationTimes.getOrDefault(file.getKey(), 0L),
              count));
    }
    return new InputFingerprint(version, files);
  }

  public RowGroupSource rowGroupSource() {
    return new RowGroupSource() {
      @Override
      public List<RowGroup> rowGroups(InputFile file) {
        return SparkInputTable.this.rowGroups(file.path());
      }

      @Override
      public List<RowGroup> rowGroups(InputFile file, List<String> costColumns) {
        if (costColumns.isEmpty()) {
          return rowGroups(file);
        }
        return footerCache.computeIfAbsent(
            file.path() + "\u0000" + String.join(",", costColumns),
            k -> footers.rowGroups(file.path(), costColumns));
      }
    };
  }

  private List<RowGroup> rowGroups(String path) {
    return footerCache.computeIfAbsent(path, this::readRowGroups);
  }

  /**
   * A file's row groups from its footer; a footer that stays unreadable fails the plan, naming the
   * file.
   */
  private List<RowGroup> readRowGroups(String path) {
    return footers.rowGroups(path);
  }

  /** Checks the spec's filter against the schema; a bad predicate is a spec error. */
  public void checkFilter() {
    spec.filter()
        .ifPresent(
            filter -> {
              try {
                table.where(filter).queryExecution().assertAnalyzed();
              } catch (Exception e) {
                throw LakeBatchErrors.invalidSpec(
                    "input.filter",
                    "'"
                        + filter
                        + "' is not a valid predicate on "
                        + schema().simpleString()
                        + ": "
                        + LakeBatchErrors.rootMessage(e));
              }
            });
  }

  /**
   * Rows of one chunk's splits, filtered, with exactly {@code columns}; one Spark partition per
   * planned task, no shuffle.
   */
  public Dataset<Row> read(List<PlannedTask> tasks, List<String> columns) {
    ScanReader scan = scanReader(columns);
    JavaRDD<InternalRow> rows = splitRows(scan, tasks);
    Dataset<Row> frame = spark.internalCreateDataFrame(rows.rdd(), scan.schema(), false);
    if (spec.filter().isPresent()) {
      frame = frame.where(spec.filter().get());
    }
    return frame.select(columns.stream().map(Column::new).toArray(Column[]::new));
  }

  /**
   * The schema of the rows {@link #rows} returns for {@code columns}: the columns in the table's
   * order (partition columns last) when no filter is set, else exactly {@code columns}.
   */
  public StructType rowSchema(List<String> columns) {
    if (spec.filter().isPresent()) {
      StructType schema = new StructType();
      for (String column : columns) {
        schema = schema.add(schema().fields()[schema().fieldIndex(column)]);
      }
      return schema;
    }
    return scanReader(columns).schema();
  }

  /**
   * Rows of one chunk's splits, one Spark partition per planned task, with the schema {@link
   * #rowSchema}. Without a filter these are the Parquet reader's own rows, handed on without a
   * projection (for light models that copy of every row costs as much as the model).
   */
  public JavaRDD<InternalRow> rows(List<PlannedTask> tasks, List<String> columns) {
    if (spec.filter().isPresent()) {
      return read(tasks, columns).queryExecution().toRdd().toJavaRDD();
    }
    return splitRows(scanReader(columns), tasks);
  }

  /**
   * Whether {@link #batches} can read {@code columns}: no filter (it is evaluated on rows), and the
   * file format returns columnar batches for them (Parquet's vectorized reader; atomic types and
   * arrays, not too many columns).
   */
  public boolean canReadBatches(List<String> columns) {
    return spec.filter().isEmpty()
        && relation.fileFormat().supportBatch(spark, scanReader(columns).schema());
  }

  /**
   * The Parquet reader's own columnar batches of one chunk's splits, one Spark partition per
   * planned task, with the columns of {@link #rowSchema}. Only when {@link #canReadBatches}.
   */
  public JavaRDD<ColumnarBatch> batches(List<PlannedTask> tasks, List<String> columns) {
    JavaRDD<InternalRow> rows = splitRows(scanReader(columns, true), tasks);
    // The reader hands its batches through an iterator typed as rows (Spark's own FileScanRDD does
    // the same).
    @SuppressWarnings({"unchecked", "rawtypes"})
    JavaRDD<ColumnarBatch> batches = (JavaRDD) rows;
    return batches;
  }

  /**
   * Whether {@link #batches} opens the files of a task with one reader set-up per task ({@link
   * SparkParquetTaskReader}) rather than Spark's per-file one.
   */
  public boolean readsBatchesPerTask(List<String> columns) {
    return canReadBatches(columns)
        && scanReader(columns, true).files() instanceof SparkParquetTaskReader;
  }

  private JavaRDD<InternalRow> splitRows(ScanReader scan, List<PlannedTask> tasks) {
    List<SplitRead> reads = new ArrayList<>();
    for (PlannedTask task : tasks) {
      List<FileSplit> splits = task.splits();
      reads.add(
          new SplitRead(splits, splits.stream().map(s -> partitionValues.get(s.path())).toList()));
    }
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(reads, Math.max(1, reads.size()))
        .mapPartitions(new SplitReader(scan.files()));
  }

  /**
   * Up to {@code limit} real rows of {@code split}, read here on the driver with the table's own
   * reader (no Spark job, no filter), with exactly {@code columns}: the preflight's sample.
   */
  public List<InternalRow> sample(FileSplit split, List<String> columns, int limit) {
    ScanReader scan = scanReader(columns);
    PartitionedFile file = SplitReader.partitionedFile(split, partitionValues.get(split.path()));
    StructField[] fields = scan.schema().fields();
    int[] ordinals = columns.stream().mapToInt(scan.schema()::fieldIndex).toArray();
    List<InternalRow> sample = new ArrayList<>();
    // On the driver no task closes the reader, and a sample stops before the file's end: close it
    // here.
    try (FileChainIterator<InternalRow> rows =
        new FileChainIterator<>(List.of(file), scan.files().forTask())) {
      while (sample.size() < limit && rows.hasNext()) {
        InternalRow row = rows.next();
        Object[] values = new Object[ordinals.length];
        for (int i = 0; i < ordinals.length; i++) {
          int ordinal = ordinals[i];
          values[i] =
              row.isNullAt(ordinal)
                  ? null
                  : InternalRow.copyValue(row.get(ordinal, fields[ordinal].dataType()));
        }
        sample.add(new GenericInternalRow(values));
      }
    }
    return sample;
  }

  /**
   * The table's reader for the data columns {@code columns} (and the filter) need, and what it
   * returns.
   */
  private record ScanReader(TaskFileReader files, StructType schema) {}

  /** Opens the input files of one Spark task; made on the driver, used in the task. */
  interface TaskFileReader extends Serializable {
    /** The opener of this task's files; called in the task, once. */
    FileOpener forTask();
  }

  /** Opens one file: its rows, or its batches through the same row-typed iterator. */
  @FunctionalInterface
  interface FileOpener {
    scala.collection.Iterator<?> open(PartitionedFile file) throws Exception;
  }

  /** Spark's reader of the table's file format, which sets up each file on its own. */
  private record SparkFileReader(
      Function1<PartitionedFile, scala.collection.Iterator<InternalRow>> reader)
      implements TaskFileReader {
    @Override
    public FileOpener forTask() {
      return reader::apply;
    }
  }

  private ScanReader scanReader(List<String> columns) {
    return scanReader(columns, false);
  }

  private ScanReader scanReader(List<String> columns, boolean batches) {
    Set<String> needed = new LinkedHashSet<>(columns);
    spec.filter().ifPresent(f -> needed.addAll(filterColumns(f)));
    StructType partitionSchema = relation.partitionSchema();
    StructType requiredData = new StructType();
    for (StructField field : relation.dataSchema().fields()) {
      if (needed.stream().anyMatch(n -> n.equalsIgnoreCase(field.name()))
          && !partitionSchema.getFieldIndex(field.name()).isDefined()) {
        requiredData = requiredData.add(field);
      }
    }
    Map<String, String> options = new HashMap<>(ScalaInterop.map(relation.options()));
    options.put(FileFormat.OPTION_RETURNING_BATCH(), Boolean.toString(batches));
    org.apache.hadoop.conf.Configuration hadoopConf =
        spark.sessionState().newHadoopConfWithOptions(relation.options());
    // Spark's reader sets its read schema and flags in hadoopConf: the task reader reads with them
    SparkSession session = readerSession(new LinkedHashSet<>(List.of(requiredData.fieldNames())));
    Function1<PartitionedFile, scala.collection.Iterator<InternalRow>> reader =
        relation
            .fileFormat()
            .buildReaderWithPartitionValues(
                session,
                relation.dataSchema(),
                partitionSchema,
                requiredData,
                ScalaInterop.<Filter>seq(List.of()),
                ScalaInterop.immutableMap(options),
                hadoopConf);
    StructType readSchema = requiredData;
    for (StructField field : partitionSchema.fields()) {
      readSchema = readSchema.add(field);
    }
    TaskFileReader files = new SparkFileReader(reader);
    if (batches && setting(LakeBatchSettings.READ_TASK_READER)) {
      files =
          SparkParquetTaskReader.of(session, relation, requiredData, partitionSchema, hadoopConf)
              .<TaskFileReader>map(r -> r)
              .orElse(files);
    }
    return new ScanReader(files, readSchema);
  }

  private boolean setting(io.lakebatch.catalog.config.Setting<Boolean> setting) {
    return setting.valueFrom(key -> java.util.Optional.ofNullable(spark.conf().get(key, null)));
  }

  /**
   * The session whose SQL conf the reader of {@code columns} is built with: this one, or for wide
   * rows (images, embeddings) a clone whose vectorized reader decodes fewer rows per batch ({@link
   * ReaderBatchSize}, from the decoded row width in the first file's footer), so that one batch of
   * a large row group does not take hundreds of MB per task. A clone, not a conf change, so other
   * jobs of a shared session keep theirs.
   */
  private SparkSession readerSession(Set<String> columns) {
    int wanted = readerBatchRows.computeIfAbsent(Set.copyOf(columns), this::readerBatchRows);
    if (wanted >= spark.sessionState().conf().parquetVectorizedReaderBatchSize()) {
      return spark;
    }
    return readerSessions.computeIfAbsent(
        wanted,
        rows -> {
          SparkSession clone = spark.cloneSession();
          clone
              .conf()
              .set(SQLConf.PARQUET_VECTORIZED_READER_BATCH_SIZE().key(), Integer.toString(rows));
          return clone;
        });
  }

  /** Rows per reader batch for {@code columns}, from the first non-empty file's footer. */
  private int readerBatchRows(Set<String> columns) {
    Optional<InputFile> first = files().stream().filter(f -> f.rows() > 0).findFirst();
    if (first.isEmpty()) {
      return ReaderBatchSize.SPARK_DEFAULT;
    }
    return ReaderBatchSize.rowsFor(
        new ParquetFooterReader(spark.sessionState().newHadoopConfWithOptions(relation.options()))
            .decodedRowBytes(first.get().path(), List.copyOf(columns)));
  }

  private List<String> filterColumns(String filter) {
    Expression expression;
    try {
      expression = spark.sessionState().sqlParser().parseExpression(filter);
    } catch (Exception e) {
      throw LakeBatchErrors.invalidSpec(
          "input.filter", "'" + filter + "' does not parse: " + LakeBatchErrors.rootMessage(e));
    }
    List<String> names = new ArrayList<>();
    for (Expression e : ScalaInterop.list(expression.collectLeaves())) {
      if (e instanceof UnresolvedAttribute attribute) {
        names.add(attribute.nameParts().head());
      }
    }
    return names;
  }

  /** The splits one task reads and each split's partition values. */
  record SplitRead(List<FileSplit> splits, List<InternalRow> partitionValues)
      implements Serializable {}

  /**
   * Reads a task's splits with the table's Parquet reader, naming the file when one is unreadable.
   */
  private static final class SplitReader
      implements org.apache.spark.api.java.function.FlatMapFunction<
          java.util.Iterator<SplitRead>, InternalRow> {
    private final TaskFileReader files;

    SplitReader(TaskFileReader files) {
      this.files = files;
    }

    @Override
    public java.util.Iterator<InternalRow> call(java.util.Iterator<SplitRead> tasks) {
      List<PartitionedFile> splits = new ArrayList<>();
      while (tasks.hasNext()) {
        SplitRead task = tasks.next();
        for (int i = 0; i < task.splits().size(); i++) {
          splits.add(partitionedFile(task.splits().get(i), task.partitionValues().get(i)));
        }
      }
      FileChainIterator<InternalRow> rows =
          new FileChainIterator<InternalRow>(splits, this.files.forTask());
      // A consumer that stops early (a failed task, a limit) leaves the open file to the task's end
      org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener(
            (org.apache.spark.util.TaskCompletionListener) context -> rows.close());
      }
      return rows;
    }

    static PartitionedFile partitionedFile(FileSplit split, InternalRow partitionValues) {
      return new PartitionedFile(
          partitionValues,
          SparkPath.fromPathString(split.path()),
          split.start(),
          split.length(),
          new String[0],
          0L,
          split.fileSize(),
          ScalaInterop.immutableMap(Map.of()));
    }
  }

  /**
   * The rows of several files in turn, naming the file when one is unreadable. {@code T} is {@link
   * InternalRow}, or {@link ColumnarBatch} when the reader returns batches (through the same
   * row-typed iterator: no cast here, so both pass).
   */
  private static final class FileChainIterator<T> implements java.util.Iterator<T>, AutoCloseable {
    private final java.util.Iterator<PartitionedFile> files;
    private final FileOpener reader;
    private scala.collection.Iterator<?> current;
    private PartitionedFile currentFile;

    FileChainIterator(List<PartitionedFile> files, FileOpener reader) {
      this.files = files.iterator();
      this.reader = reader;
    }

    @Override
    public boolean hasNext() {
      try {
        while (current == null || !current.hasNext()) {
          if (!files.hasNext()) {
            return false;
          }
          closeCurrent();
          currentFile = files.next();
          current = reader.open(currentFile);
        }
        return true;
      } catch (Exception e) { // Hadoop's IOExceptions come through Scala undeclared
        throw readFailure(e);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
      try {
        return (T) current.next();
      } catch (Exception e) {
        throw readFailure(e);
      }
    }

    /** Closes the open file's reader (Spark's readers are {@link java.io.Closeable}), if any. */
    @Override
    public void close() {
      closeCurrent();
    }

    private void closeCurrent() {
      if (current instanceof java.io.Closeable closeable) {
        try {
          closeable.close();
        } catch (java.io.IOException e) {
          throw readFailure(e);
        }
      }
      current = null;
    }

    private RuntimeException readFailure(Exception e) {
      if (e instanceof io.lakebatch.catalog.error.LakeBatchException known) {
        return known;
      }
      return ReadFailures.classify(currentFile.filePath().toString(), e);
    }
  }
}
