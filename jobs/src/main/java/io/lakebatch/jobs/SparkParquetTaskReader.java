package io.lakebatch.jobs;

import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.datasources.RecordReaderIterator;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Spark's vectorized Parquet reader, opened for each file of a task with what the task shares: one
 * Hadoop task context (Spark's per-file reader copies the whole Hadoop configuration for every
 * file), one footer read per file (Spark's reads it, closes the file, and opens it again), and no
 * filter push-down set-up (LakeBatch's batch reads push no filter). On inputs of many small files
 * these per-file costs are most of a task's reading time.
 *
 * <p>It reads exactly what Spark's reader would, batch for batch: the same reader class, the Hadoop
 * configuration Spark's {@code buildReaderWithPartitionValues} prepared for the same schemas, the
 * same batch capacity and memory mode, the same byte ranges. It is used only where nothing of
 * Spark's per-file logic applies ({@link #of}): columnar batches of plain numeric columns (no date
 * or timestamp rebasing, no INT96 conversion) of Parquet or Delta tables without column mapping.
 */
final class SparkParquetTaskReader implements SparkInputTable.TaskFileReader {
  private static final long serialVersionUID = 1L;

  /** Types the reader decodes without any per-file setting (rebase modes, time zones). */
  private static final Set<DataType> PLAIN_TYPES =
      Set.of(
          DataTypes.BooleanType,
          DataTypes.ByteType,
          DataTypes.ShortType,
          DataTypes.IntegerType,
          DataTypes.LongType,
          DataTypes.FloatType,
          DataTypes.DoubleType);

  /** Delta's field metadata naming a column's physical name under column mapping. */
  private static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

  /** No file needs a datetime or INT96 rebase: the columns read hold no dates or timestamps. */
  private static final String NO_REBASE = "CORRECTED";

  private final Broadcast<SerializableConfiguration> configuration;
  private final StructType partitionSchema;
  private final int capacity;
  private final boolean offHeap;

  private SparkParquetTaskReader(
      Broadcast<SerializableConfiguration> configuration,
      StructType partitionSchema,
      int capacity,
      boolean offHeap) {
    this.configuration = configuration;
    this.partitionSchema = partitionSchema;
    this.capacity = capacity;
    this.offHeap = offHeap;
  }

  /**
   * The task reader for columnar batches of {@code requiredData} and {@code partitionSchema}, or
   * empty when Spark's own per-file reader must read them.
   *
   * @param prepared the Hadoop configuration after Spark's {@code buildReaderWithPartitionValues}
   *     set its read schema in it, for the same schemas
   */
  static Optional<SparkParquetTaskReader> of(
      SparkSession spark,
      HadoopFsRelation relation,
      StructType requiredData,
      StructType partitionSchema,
      Configuration prepared) {
    SQLConf conf = spark.sessionState().conf();
    if (!(relation.fileFormat() instanceof ParquetFileFormat)
        || !conf.parquetVectorizedReaderEnabled()
        || !relation.fileFormat().supportBatch(spark, concat(partitionSchema, requiredData))) {
      return Optional.empty();
    }
    for (StructField field : relation.dataSchema().fields()) {
      if (field.metadata().contains(PHYSICAL_NAME)) {
        return Optional.empty();
      }
    }
    for (StructField field : requiredData.fields()) {
      if (!PLAIN_TYPES.contains(field.dataType())) {
        return Optional.empty();
      }
    }
    Broadcast<SerializableConfiguration> broadcast =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(new SerializableConfiguration(prepared));
    return Optional.of(
        new SparkParquetTaskReader(
            broadcast,
            partitionSchema,
            conf.parquetVectorizedReaderBatchSize(),
            conf.offHeapColumnVectorEnabled()));
  }

  private static StructType concat(StructType first, StructType second) {
    StructType schema = first;
    for (StructField field : second.fields()) {
      schema = schema.add(field);
    }
    return schema;
  }

  @Override
  public SparkInputTable.FileOpener forTask() {
    Configuration shared = configuration.value().value();
    TaskAttemptContext context =
        new TaskAttemptContextImpl(
            shared, new TaskAttemptID(new TaskID(new JobID(), TaskType.MAP, 0), 0));
    boolean useOffHeap = offHeap && TaskContext.get() != null;
    return file -> open(file, context, useOffHeap);
  }

  private scala.collection.Iterator<?> open(
      PartitionedFile file, TaskAttemptContext context, boolean useOffHeap) throws Exception {
    VectorizedParquetRecordReader reader =
        new VectorizedParquetRecordReader(null, NO_REBASE, "", NO_REBASE, "", useOffHeap, capacity);
    RecordReaderIterator<Object> batches = new RecordReaderIterator<>(reader);
    try {
      reader.initialize(
          new FileSplit(file.toPath(), file.start(), file.length(), new String[0]), context);
      reader.initBatch(partitionSchema, file.partitionValues());
      reader.enableReturningBatches();
    } catch (Exception | Error e) {
      batches.close();
      throw e;
    }
    return batches;
  }
}
