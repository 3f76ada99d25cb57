package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.ResourceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.actions.Action;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaChunkTable} on a real local Delta table: one transaction id per chunk, recorded ids
 * skipped.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeltaChunkTableTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessionFactory.create(
            "delta-chunk-table-test", new ResourceSpec("local[1]", 1, 1, "1g", 0), 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static Dataset<Row> rows(long from, long count) {
    return spark.range(from, from + count).selectExpr("id", "cast(id * 2 as float) as score");
  }

  private long count(DeltaChunkTable table) {
    return spark.read().format("delta").load(table.path()).count();
  }

  @Test
  void aStagedChunkJoinsTheTableOnlyWithItsCommitAndCarriesItsTransactionId() {
    DeltaChunkTable table = new DeltaChunkTable(spark, dir.resolve("t").toString());
    Dataset<Row> chunk = rows(0, 100);
    DeltaChunkTable.StagedChunk staged =
        table.stage(chunk, "run/output/0", 1, chunk.schema(), false).orElseThrow();

    assertThat(staged.rows()).isEqualTo(100);
    assertThat(table.exists()).as("staged files are not a table yet").isFalse();
    assertThat(table.version()).isEqualTo(-1);
    assertThat(table.transactions()).isEmpty();

    DeltaChunkTable.ChunkCommit commit = table.commit(staged, "{\"run\":\"r\"}").orElseThrow();
    assertThat(commit.version()).isZero();
    assertThat(commit.rows()).isEqualTo(100);
    assertThat(table.version()).isZero();
    assertThat(table.transactions()).containsExactlyEntriesOf(Map.of("run/output/0", 1L));
    assertThat(count(table)).isEqualTo(100);
    assertThat(table.findCommit("run/output/0", 0))
        .contains(new DeltaChunkTable.ChunkCommit(0, 100));
    assertThat(table.history(0))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.appIds()).containsExactly("run/output/0");
              assertThat(c.userMetadata()).isEqualTo("{\"run\":\"r\"}");
              assertThat(c.removedData()).isZero();
            });
  }

  @Test
  void aRecordedTransactionIdIsSkippedAndNothingIsWrittenTwice() {
    DeltaChunkTable table = new DeltaChunkTable(spark, dir.resolve("t").toString());
    Dataset<Row> chunk = rows(0, 50);
    table
        .commit(table.stage(chunk, "run/output/0", 1, chunk.schema(), false).orElseThrow(), "")
        .orElseThrow();

    assertThat(table.stage(rows(0, 50), "run/output/0", 1, chunk.schema(), false))
        .as("recorded id")
        .isEmpty();
    assertThat(table.stageFiles(List.of(), "run/output/0", 1, chunk.schema()))
        .as("recorded id, task-written files")
        .isEmpty();
    assertThat(table.version()).isZero();
    assertThat(count(table)).isEqualTo(50);
  }

  @Test
  void twoDriversStagingTheSameChunkCommitItOnce() {
    DeltaChunkTable table = new DeltaChunkTable(spark, dir.resolve("t").toString());
    Dataset<Row> first = rows(0, 10);
    table
        .commit(table.stage(first, "run/output/0", 1, first.schema(), false).orElseThrow(), "")
        .orElseThrow();

    Dataset<Row> chunk = rows(10, 30);
    DeltaChunkTable.StagedChunk a =
        table.stage(chunk, "run/output/1", 1, chunk.schema(), false).orElseThrow();
    DeltaChunkTable.StagedChunk b =
        table.stage(chunk, "run/output/1", 1, chunk.schema(), false).orElseThrow();
    Optional<DeltaChunkTable.ChunkCommit> won = table.commit(a, "");
    Optional<DeltaChunkTable.ChunkCommit> lost = table.commit(b, "");

    assertThat(won).contains(new DeltaChunkTable.ChunkCommit(1, 30));
    assertThat(lost).as("the second commit of a recorded id is refused by Delta").isEmpty();
    assertThat(table.version()).isEqualTo(1);
    assertThat(count(table)).isEqualTo(40);
  }

  @Test
  void chunkCommitsMapEachChunkOfARunToItsVersionAndRows() {
    DeltaChunkTable table = new DeltaChunkTable(spark, dir.resolve("t").toString());
    Dataset<Row> schemaOf = rows(0, 1);
    for (int chunk : new int[] {2, 0, 1}) {
      Dataset<Row> rows = rows(chunk * 100L, 10L + chunk);
      table
          .commit(
              table.stage(rows, "runA/output/" + chunk, 1, schemaOf.schema(), false).orElseThrow(),
              "")
          .orElseThrow();
    }
    Dataset<Row> other = rows(1_000, 5);
    table
        .commit(table.stage(other, "runB/output/0", 1, schemaOf.schema(), false).orElseThrow(), "")
        .orElseThrow();

    assertThat(table.chunkCommits("runA/output/"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                2,
                new DeltaChunkTable.ChunkCommit(0, 12),
                0,
                new DeltaChunkTable.ChunkCommit(1, 10),
                1,
                new DeltaChunkTable.ChunkCommit(2, 11)));
    assertThat(table.chunkCommits("runB/output/"))
        .containsExactlyEntriesOf(Map.of(0, new DeltaChunkTable.ChunkCommit(3, 5)));
    assertThat(table.findCommit("runA/output/1", 0))
        .contains(new DeltaChunkTable.ChunkCommit(2, 11));
    assertThat(table.findCommit("runA/output/1", 3)).as("searched from a later version").isEmpty();
    assertThat(table.findCommit("runA/output/9", 0)).isEmpty();
  }

  @Test
  void replaceSwapsTheWholeTableInOneCommitOnlyFromTheVersionTheRunStartedAt() {
    DeltaChunkTable table = new DeltaChunkTable(spark, dir.resolve("t").toString());
    Dataset<Row> old = rows(0, 20);
    table
        .commit(table.stage(old, "old/output/0", 1, old.schema(), false).orElseThrow(), "")
        .orElseThrow();
    Dataset<Row> fresh = rows(100, 7);
    DeltaChunkTable.StagedChunk staged =
        table.stage(fresh, "new/output/0", 1, fresh.schema(), false).orElseThrow();
    List<Action> adds = staged.actions();

    LakeBatchException moved =
        catchThrowableOfType(
            LakeBatchException.class,
            () -> table.replace("new-run", adds, "new/publish/0", 5, fresh.schema(), ""));
    assertThat(moved.category()).isEqualTo(ErrorCategory.CONFLICT);
    assertThat(moved.getMessage()).contains("new-run").contains("version 0");

    DeltaChunkTable.ChunkCommit published =
        table.replace("new-run", adds, "new/publish/0", 0, fresh.schema(), "").orElseThrow();
    assertThat(published).isEqualTo(new DeltaChunkTable.ChunkCommit(1, 7));
    assertThat(count(table)).isEqualTo(7);
    assertThat(table.history(1))
        .singleElement()
        .satisfies(c -> assertThat(c.removedData()).isPositive());
    assertThat(table.replace("new-run", adds, "new/publish/0", 1, fresh.schema(), ""))
        .as("published before")
        .isEmpty();
    assertThat(count(table)).isEqualTo(7);
  }
}
