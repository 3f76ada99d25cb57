package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.InputSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InputFingerprint;
import io.lakebatch.planner.PlannedTask;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Delta input's files listed from its log by Delta Kernel are the files Spark's Delta lists —
 * paths, sizes, modification times, row counts and partition values — for partitioned,
 * column-mapped and checkpointed tables, and listing them starts no Spark job.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkInputTableDeltaLogTest {
  private static final String DELTA_LOG = "spark.lakebatch.read.delta-log";

  private static SparkSession spark;
  @TempDir static Path folder;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessionFactory.create(
            "delta-log-test", new ResourceSpec("local[2]", 1, 2, "1g", 0), 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @AfterEach
  void defaultListing() {
    spark.conf().unset(DELTA_LOG);
  }

  @Test
  void partitionedTableWithNullsAndSpecialCharactersListsAsSparkDoes() {
    String path = folder.resolve("partitioned").toString();
    spark
        .range(0, 3_000)
        .selectExpr(
            "id",
            "CAST(id * 0.5 AS FLOAT) AS f0",
            // a space, a slash-free punctuation mix and a null: Hive-style directory escaping
            "CASE id % 4 WHEN 0 THEN 'north east' WHEN 1 THEN 'süd=%&' WHEN 2 THEN NULL"
                + " ELSE 'west' END AS region",
            "DATE_ADD(DATE'2026-01-01', CAST(id % 3 AS INT)) AS day")
        .repartition(3)
        .write()
        .format("delta")
        .partitionBy("region", "day")
        .save(path);

    assertSameAsSpark(path, List.of("id", "f0", "region", "day"), 3_000);
  }

  @Test
  void columnMappedTableWithACheckpointListsAsSparkDoes() {
    String path = folder.resolve("mapped").toString();
    spark
        .range(0, 500)
        .selectExpr("id", "CAST(id AS FLOAT) AS `feature one`", "CAST(id % 2 AS INT) AS part")
        .write()
        .format("delta")
        .option("delta.columnMapping.mode", "name")
        .option("delta.minReaderVersion", "2")
        .option("delta.minWriterVersion", "5")
        .partitionBy("part")
        .save(path);
    // eleven more commits: version 10 is a checkpoint, 11 a commit after it
    for (int i = 1; i <= 11; i++) {
      spark
          .range(500L * i, 500L * (i + 1))
          .selectExpr("id", "CAST(id AS FLOAT) AS `feature one`", "CAST(id % 2 AS INT) AS part")
          .write()
          .format("delta")
          .mode(SaveMode.Append)
          .save(path);
    }
    assertThat(folder.resolve("mapped/_delta_log/00000000000000000010.checkpoint.parquet"))
        .exists();

    assertSameAsSpark(path, List.of("id", "feature one", "part"), 6_000);
  }

  @Test
  void listingFromTheLogStartsNoSparkJob() throws Exception {
    String path = folder.resolve("jobs").toString();
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(2_000, 4, TableFormat.DELTA).withFiles(4), path);
    AtomicInteger jobs = new AtomicInteger();
    SparkListener counter =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart jobStart) {
            jobs.incrementAndGet();
          }
        };
    spark.sparkContext().addSparkListener(counter);
    try {
      DeltaLog.clearCache();
      SparkInputTable fromLog = open(path);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(jobs.get()).as("Spark jobs while opening with Kernel").isZero();
      assertThat(fromLog.files()).hasSize(4);

      spark.conf().set(DELTA_LOG, "false");
      DeltaLog.clearCache();
      open(path);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(jobs.get()).as("Spark jobs while Spark's Delta lists the files").isPositive();
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
  }

  @Test
  void deletionVectorsAreRefusedNamingTheFile() {
    String path = folder.resolve("dv").toString();
    spark
        .range(0, 1_000)
        .selectExpr("id", "CAST(id AS FLOAT) AS f0")
        .write()
        .format("delta")
        .option("delta.enableDeletionVectors", "true")
        .save(path);
    spark.sql("DELETE FROM delta.`" + path + "` WHERE id % 10 = 0");

    assertThatThrownBy(() -> open(path))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("deletion vectors")
        .hasMessageContaining(".parquet");
  }

  /** Kernel's and Spark's listing of the latest version: same fingerprint, same rows read. */
  private static void assertSameAsSpark(String path, List<String> columns, long rows) {
    DeltaLog.clearCache();
    SparkInputTable fromLog = open(path);
    spark.conf().set(DELTA_LOG, "false");
    DeltaLog.clearCache();
    SparkInputTable fromSpark = open(path);
    spark.conf().unset(DELTA_LOG);

    assertThat(fromLog.listedFromDeltaLog()).isTrue();
    assertThat(fromSpark.listedFromDeltaLog()).isFalse();
    InputFingerprint expected = fromSpark.fingerprint();
    assertThat(fromLog.fingerprint()).isEqualTo(expected);
    assertThat(expected.files().stream().mapToLong(f -> f.rows()).sum()).isEqualTo(rows);
    List<Row> fromLogRows = readAll(fromLog, columns);
    assertThat(fromLogRows)
        .hasSize((int) rows)
        .containsExactlyInAnyOrderElementsOf(readAll(fromSpark, columns));
    // partition values really came through (not all null)
    assertThat(fromLogRows.stream().filter(r -> !r.isNullAt(columns.size() - 1)).count())
        .isGreaterThan(0);
  }

  private static List<Row> readAll(SparkInputTable input, List<String> columns) {
    List<FileSplit> splits =
        input.files().stream()
            .map(f -> new FileSplit(f.path(), 0, f.sizeBytes(), f.rows(), f.sizeBytes()))
            .toList();
    return input.read(List.of(new PlannedTask(0, splits)), columns).collectAsList();
  }

  private static SparkInputTable open(String path) {
    return SparkInputTable.open(
        spark,
        new InputSpec(TableFormat.DELTA, path, OptionalLong.empty(), Optional.empty(), List.of()));
  }
}
