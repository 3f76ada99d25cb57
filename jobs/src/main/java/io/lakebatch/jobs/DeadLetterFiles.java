package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.udf.DeadLetterFile;
import io.lakebatch.udf.DeadLetterFileAccumulator;
import io.lakebatch.udf.DeadLetterSink;
import io.lakebatch.udf.InferenceConfig;
import io.lakebatch.udf.ParquetDeadLetterSink;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The dead-letter files of one attempt at a chunk: the scoring tasks write their rejected rows as
 * Parquet files in the dead-letter table's folder (see {@link ParquetDeadLetterSink}) and report
 * only the files; this turns the reported files into the {@code AddFile} actions of the chunk's
 * dead-letter commit. The rows never pass through the driver, so their size is bounded by storage
 * only.
 */
final class DeadLetterFiles {
  private final DeadLetterFileAccumulator reported;
  private final ParquetDeadLetterSink sink;

  private DeadLetterFiles(DeadLetterFileAccumulator reported, ParquetDeadLetterSink sink) {
    this.reported = reported;
    this.sink = sink;
  }

  /**
   * Prepares Spark's Parquet writer for rows of {@code config.deadLetterSchema()} under {@code
   * tablePath}.
   */
  static DeadLetterFiles prepare(
      SparkSession spark, String tablePath, InferenceConfig config, String runId, int chunk) {
    StructType schema = config.deadLetterSchema();
    Configuration hadoopConf = spark.sessionState().newHadoopConf();
    try {
      Path root = new Path(tablePath);
      String qualifiedRoot = root.getFileSystem(hadoopConf).makeQualified(root).toString();
      Job job = Job.getInstance(hadoopConf);
      OutputWriterFactory factory =
          new ParquetFileFormat()
              .prepareWrite(spark, job, ScalaInterop.immutableMap(Map.of()), schema);
      DeadLetterFileAccumulator reported = new DeadLetterFileAccumulator();
      spark
          .sparkContext()
          .register(reported, "lakebatch dead-letter files " + runId + " chunk " + chunk);
      return new DeadLetterFiles(
          reported,
          new ParquetDeadLetterSink(
              factory,
              new SerializableConfiguration(job.getConfiguration()),
              qualifiedRoot,
              schema,
              runId,
              chunk,
              reported));
    } catch (IOException e) {
      throw LakeBatchErrors.transientFailure("preparing dead-letter files under " + tablePath, e);
    }
  }

  /** What the scoring function writes rejected rows to. */
  DeadLetterSink sink() {
    return sink;
  }

  /** Rejected rows in the files the tasks reported, each task counted once. */
  long rows() {
    return reported.value().stream().mapToLong(DeadLetterFile::rows).sum();
  }

  /** One {@code AddFile} per reported file, with its row count as the file's only statistic. */
  List<AddFile> addFiles() {
    return reported.value().stream().map(DeadLetterFiles::addFile).toList();
  }

  private static AddFile addFile(DeadLetterFile file) {
    return new AddFile(
        file.path(),
        ScalaInterop.immutableMap(Map.of()),
        file.sizeBytes(),
        file.modificationTime(),
        true,
        "{\"numRecords\":" + file.rows() + "}",
        null,
        null,
        ScalaInterop.none(),
        ScalaInterop.none(),
        ScalaInterop.none());
  }
}
