package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.InputSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InputFile;
import io.lakebatch.planner.PlannedTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Columnar reads of many small files through the per-task reader: every row exactly once, in the
 * task's split order, values and nulls as Spark's own per-file reader returns them; filters and the
 * row path still read through Spark's reader.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkInputTableTaskReaderTest {
  private static final String TASK_READER = "spark.lakebatch.read.task-reader";
  private static final int FILES = 40;
  private static final long ROWS = 4_000;

  private static SparkSession spark;
  @TempDir static Path folder;
  private static String tinyFiles;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessionFactory.create(
            "task-reader-test", new ResourceSpec("local[2]", 1, 2, "1g", 0), 2);
    tinyFiles = folder.resolve("tiny").toString();
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(ROWS, 4, TableFormat.DELTA).withFiles(FILES), tinyFiles);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @AfterEach
  void defaultReader() {
    spark.conf().unset(TASK_READER);
  }

  @Test
  void manyTinyFilesInOneTaskGiveEveryRowOnceInSplitOrder() {
    SparkInputTable input = open(TableFormat.DELTA, tinyFiles, Optional.empty());
    List<InputFile> files = sortedFiles(input);
    assertThat(files).hasSize(FILES);
    // the task's splits in an order that is not the files' listing order
    List<FileSplit> splits = new ArrayList<>();
    for (int i = files.size() - 1; i >= 0; i -= 2) {
      splits.add(whole(files.get(i)));
    }
    for (int i = 0; i < files.size(); i += 2) {
      splits.add(whole(files.get(i)));
    }
    List<PlannedTask> oneTask = List.of(new PlannedTask(0, splits));
    List<String> columns = List.of("id", "f0", "f3");

    List<List<Object>> taskReader = batchRows(input, oneTask, columns);
    spark.conf().set(TASK_READER, "false");
    List<List<Object>> sparkReader = batchRows(input, oneTask, columns);

    assertThat(taskReader).hasSize((int) ROWS).isEqualTo(sparkReader);
    assertThat(taskReader.stream().map(r -> (Long) r.get(0)).distinct().count()).isEqualTo(ROWS);
    // split order: each file's rows together, the files in the task's order
    List<Long> expected = new ArrayList<>();
    for (FileSplit split : splits) {
      expected.addAll(
          spark.read().parquet(split.path()).select("id").collectAsList().stream()
              .map(r -> r.getLong(0))
              .toList());
    }
    assertThat(taskReader.stream().map(r -> (Long) r.get(0)).toList()).isEqualTo(expected);
  }

  @Test
  void tasksOfSeveralFilesReadTheirOwnSplitsOnly() {
    SparkInputTable input = open(TableFormat.DELTA, tinyFiles, Optional.empty());
    List<InputFile> files = sortedFiles(input);
    List<PlannedTask> tasks = new ArrayList<>();
    int perTask = 7;
    for (int start = 0; start < files.size(); start += perTask) {
      tasks.add(
          new PlannedTask(
              tasks.size(),
              files.subList(start, Math.min(files.size(), start + perTask)).stream()
                  .map(SparkInputTableTaskReaderTest::whole)
                  .toList()));
    }
    List<String> columns = List.of("id", "f1");

    List<List<Object>> taskReader = batchRows(input, tasks, columns);
    spark.conf().set(TASK_READER, "false");
    List<List<Object>> sparkReader = batchRows(input, tasks, columns);

    assertThat(taskReader).hasSize((int) ROWS).isEqualTo(sparkReader);
  }

  @Test
  void nullsAndNaNsComeThroughAsSparkReadsThem() {
    String path = folder.resolve("nulls").toString();
    spark
        .range(0, 600, 1, 12)
        .selectExpr(
            "id",
            "CASE WHEN id % 97 = 5 THEN NULL ELSE CAST(id AS FLOAT) END AS f0",
            "CASE WHEN id % 101 = 7 THEN CAST('NaN' AS FLOAT) ELSE CAST(id * 2 AS FLOAT) END AS f1")
        .write()
        .parquet(path);
    SparkInputTable input = open(TableFormat.PARQUET, path, Optional.empty());
    List<PlannedTask> oneTask =
        List.of(
            new PlannedTask(
                0, sortedFiles(input).stream().map(SparkInputTableTaskReaderTest::whole).toList()));
    List<String> columns = List.of("id", "f0", "f1");

    List<List<Object>> taskReader = batchRows(input, oneTask, columns);
    spark.conf().set(TASK_READER, "false");
    List<List<Object>> sparkReader = batchRows(input, oneTask, columns);

    assertThat(taskReader).hasSize(600).isEqualTo(sparkReader);
    assertThat(taskReader).filteredOn(r -> r.get(1) == null).hasSize(7);
    assertThat(taskReader)
        .filteredOn(r -> r.get(2) instanceof Float f && f.isNaN())
        .extracting(r -> r.get(0))
        .containsExactly(7L, 108L, 209L, 310L, 411L, 512L);
  }

  @Test
  void aFilterReadsRowsThroughSparksReader() {
    SparkInputTable input = open(TableFormat.DELTA, tinyFiles, Optional.of("id % 10 = 3"));
    List<String> columns = List.of("id", "f0");
    assertThat(input.canReadBatches(columns)).isFalse();
    List<PlannedTask> oneTask =
        List.of(
            new PlannedTask(
                0, sortedFiles(input).stream().map(SparkInputTableTaskReaderTest::whole).toList()));

    List<InternalRow> rows = input.rows(oneTask, columns).map(InternalRow::copy).collect();

    assertThat(rows)
        .hasSize((int) (ROWS / 10))
        .allSatisfy(r -> assertThat(r.getLong(0) % 10).isEqualTo(3));
  }

  @Test
  void theRowPathReadsEveryRowOfManyFiles() {
    SparkInputTable input = open(TableFormat.DELTA, tinyFiles, Optional.empty());
    List<PlannedTask> oneTask =
        List.of(
            new PlannedTask(
                0, sortedFiles(input).stream().map(SparkInputTableTaskReaderTest::whole).toList()));

    List<Long> ids = input.rows(oneTask, List.of("id", "f2")).map(r -> r.getLong(0)).collect();

    assertThat(ids).hasSize((int) ROWS).doesNotHaveDuplicates();
  }

  @Test
  void aCorruptFileAmongTinyFilesFailsNamingIt() throws IOException {
    String path = folder.resolve("corrupt").toString();
    spark.range(0, 300, 1, 6).selectExpr("id", "CAST(id AS FLOAT) AS f0").write().parquet(path);
    SparkInputTable input = open(TableFormat.PARQUET, path, Optional.empty());
    List<InputFile> files = sortedFiles(input);
    InputFile broken = files.get(3);
    Path local = Path.of(java.net.URI.create(broken.path()));
    byte[] bytes = Files.readAllBytes(local);
    Files.write(local, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // footer gone
    Files.deleteIfExists(local.resolveSibling("." + local.getFileName() + ".crc"));
    List<PlannedTask> oneTask =
        List.of(
            new PlannedTask(0, files.stream().map(SparkInputTableTaskReaderTest::whole).toList()));

    assertThatThrownBy(() -> batchRows(input, oneTask, List.of("id", "f0")))
        .satisfies(
            e -> {
              LakeBatchException cause = lakeBatchCause(e);
              assertThat(cause.category()).isEqualTo(ErrorCategory.DATA);
              assertThat(cause.getMessage()).contains(broken.path());
            });
  }

  private static LakeBatchException lakeBatchCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LakeBatchException known) {
        return known;
      }
    }
    throw new AssertionError("no LakeBatchException in", e);
  }

  private static SparkInputTable open(TableFormat format, String path, Optional<String> filter) {
    return SparkInputTable.open(
        spark, new InputSpec(format, path, OptionalLong.empty(), filter, List.of()));
  }

  private static List<InputFile> sortedFiles(SparkInputTable input) {
    List<InputFile> files = new ArrayList<>(input.files());
    files.removeIf(f -> f.rows() == 0);
    files.sort(Comparator.comparing(InputFile::path));
    return files;
  }

  private static FileSplit whole(InputFile file) {
    return new FileSplit(file.path(), 0, file.sizeBytes(), file.rows(), file.sizeBytes());
  }

  /** The rows of the batches, in the order the tasks read them (tasks in order). */
  private static List<List<Object>> batchRows(
      SparkInputTable input, List<PlannedTask> tasks, List<String> columns) {
    assertThat(input.canReadBatches(columns)).isTrue();
    assertThat(input.readsBatchesPerTask(columns))
        .isEqualTo(!"false".equals(spark.conf().get(TASK_READER, "true")));
    List<String> types =
        IntStream.range(0, columns.size())
            .mapToObj(i -> input.rowSchema(columns).fields()[i].dataType().typeName())
            .toList();
    FlatMapFunction<java.util.Iterator<ColumnarBatch>, List<Object>> values =
        batches -> {
          List<List<Object>> out = new ArrayList<>();
          while (batches.hasNext()) {
            ColumnarBatch batch = batches.next();
            for (int r = 0; r < batch.numRows(); r++) {
              List<Object> row = new ArrayList<>();
              for (int c = 0; c < types.size(); c++) {
                if (batch.column(c).isNullAt(r)) {
                  row.add(null);
                } else if (types.get(c).equals("long")) {
                  row.add(batch.column(c).getLong(r));
                } else {
                  row.add(batch.column(c).getFloat(r));
                }
              }
              out.add(row);
            }
          }
          return out.iterator();
        };
    return input.batches(tasks, columns).mapPartitions(values).collect();
  }
}
