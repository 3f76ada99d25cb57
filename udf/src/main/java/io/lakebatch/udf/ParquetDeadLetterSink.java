package io.lakebatch.udf;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a task's rejected rows straight into a Parquet data file in the dead-letter table's
 * folder, with the run id and chunk appended, and reports the finished file (never its rows) to the
 * driver through a {@link DeadLetterFileAccumulator}. The file joins the table only when the driver
 * commits it; a task without rejected rows writes no file, and a failed or killed task deletes its
 * own.
 *
 * <p>The writer is Spark's own Parquet writer, prepared on the driver ({@code
 * ParquetFileFormat.prepareWrite}) and shipped as its serializable factory with the job's Hadoop
 * configuration.
 */
public final class ParquetDeadLetterSink implements DeadLetterSink {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetDeadLetterSink.class);

  private final OutputWriterFactory factory;
  private final SerializableConfiguration conf;
  private final String tableRoot;
  private final StructType schema;
  private final String runId;
  private final int chunk;
  private final DeadLetterFileAccumulator files;
  // Per task: Spark deserializes the task's closure, and this sink with it, once per task attempt.
  private transient OutputWriter writer;
  private transient Path file;
  private transient Configuration taskConf;
  private transient long rows;
  private transient JoinedRow joined;
  private transient InternalRow runAndChunk;

  /**
   * @param factory Spark's Parquet writer factory, prepared for {@code schema}
   * @param conf the Hadoop configuration the factory was prepared with
   * @param tableRoot the dead-letter table's root folder, fully qualified
   * @param schema what the files hold: {@link InferenceConfig#deadLetterSchema()}
   * @param files where each task reports its file (registered on the driver)
   */
  public ParquetDeadLetterSink(
      OutputWriterFactory factory,
      SerializableConfiguration conf,
      String tableRoot,
      StructType schema,
      String runId,
      int chunk,
      DeadLetterFileAccumulator files) {
    this.factory = requireNonNull(factory, "factory is null");
    this.conf = requireNonNull(conf, "conf is null");
    this.tableRoot = requireNonNull(tableRoot, "tableRoot is null");
    this.schema = requireNonNull(schema, "schema is null");
    this.runId = requireNonNull(runId, "runId is null");
    this.chunk = chunk;
    this.files = requireNonNull(files, "files is null");
  }

  @Override
  public void add(InternalRow rejected) {
    if (writer == null) {
      open();
    }
    writer.write(joined.apply(rejected, runAndChunk));
    rows++;
  }

  @Override
  public void finish() {
    if (writer == null) {
      return;
    }
    OutputWriter closing = writer;
    writer = null;
    closing.close();
    try {
      FileStatus status = file.getFileSystem(taskConf).getFileStatus(file);
      files.add(
          new DeadLetterFile(
              TaskContext.getPartitionId(),
              file.getName(),
              status.getLen(),
              rows,
              status.getModificationTime()));
    } catch (IOException e) {
      throw LakeBatchErrors.transientFailure("reading the status of dead-letter file " + file, e);
    }
  }

  private void open() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      throw LakeBatchErrors.internal("dead-letter files are written by Spark tasks only", null);
    }
    taskConf = new Configuration(conf.value());
    TaskAttemptContext context =
        new TaskAttemptContextImpl(
            taskConf,
            new TaskAttemptID(
                "lakebatch",
                task.stageId(),
                TaskType.MAP,
                task.partitionId(),
                task.attemptNumber()));
    // Unique per task attempt: a retried or speculative attempt never overwrites a file another
    // reported.
    file =
        new Path(
            tableRoot,
            "part-"
                + UUID.randomUUID()
                + "-c"
                + chunk
                + "-p"
                + task.partitionId()
                + "-a"
                + task.attemptNumber()
                + factory.getFileExtension(context));
    rows = 0;
    joined = new JoinedRow();
    runAndChunk = new GenericInternalRow(new Object[] {UTF8String.fromString(runId), chunk});
    writer = factory.newInstance(file.toString(), schema, context);
    task.addTaskCompletionListener((TaskCompletionListener) ended -> abort());
  }

  /**
   * After a failed, killed or cut-short task: the file is not reported, so it must not stay either.
   */
  private void abort() {
    if (writer == null) {
      return;
    }
    OutputWriter closing = writer;
    writer = null;
    try {
      closing.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the unfinished dead-letter file {} failed: {}", file, e.getMessage());
    }
    try {
      file.getFileSystem(taskConf).delete(file, false);
    } catch (IOException e) {
      LOG.warn(
          "deleting the unfinished dead-letter file {} failed (left to VACUUM): {}",
          file,
          e.getMessage());
    }
  }
}
