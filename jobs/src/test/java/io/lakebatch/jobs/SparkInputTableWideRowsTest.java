package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.InputSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InputFile;
import io.lakebatch.planner.PlannedTask;
import io.lakebatch.planner.ReaderBatchSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wide rows (an image column) are read in batches of about {@link
 * ReaderBatchSize#TARGET_BATCH_BYTES}, not Spark's 4,096 rows of a row group, and without changing
 * the session's own setting; narrow rows keep Spark's batches.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SparkInputTableWideRowsTest {
  /** 3 x 74 x 74 floats: 65,712 bytes a row decoded, so batches of 510 rows. */
  private static final int ELEMENTS = 3 * 74 * 74;

  private static final int ROWS = 700;
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessionFactory.create(
            "wide-rows-test", new ResourceSpec("local[1]", 1, 1, "1g", 0), 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void wideRowsAreDecodedInBatchesOfTheTargetBytes(@TempDir Path dir) {
    String path = dir.resolve("images").toString();
    // one file, one row group of 700 rows (46 MB decoded; a constant pixel per row compresses)
    spark
        .range(ROWS)
        .select(
            functions.col("id"),
            functions.array_repeat(functions.col("id").cast("float"), ELEMENTS).as("pixels"))
        .coalesce(1)
        .write()
        .parquet(path);
    SparkInputTable input =
        SparkInputTable.open(
            spark,
            new InputSpec(
                TableFormat.PARQUET, path, OptionalLong.empty(), Optional.empty(), List.of("id")));

    List<Integer> sizes = batchSizes(input, List.of("id", "pixels"));

    int expected = ReaderBatchSize.rowsFor(ELEMENTS * 4L + 8);
    assertThat(expected).isEqualTo(510);
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(ROWS);
    assertThat(sizes).first().isEqualTo(expected);
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(expected));
    assertThat(spark.sessionState().conf().parquetVectorizedReaderBatchSize())
        .as("the session's own setting is untouched")
        .isEqualTo(ReaderBatchSize.SPARK_DEFAULT);

    // the narrow column alone keeps Spark's batches: the whole row group in one
    assertThat(batchSizes(input, List.of("id"))).containsExactly(ROWS);
  }

  private static List<Integer> batchSizes(SparkInputTable input, List<String> columns) {
    List<FileSplit> splits = new ArrayList<>();
    for (InputFile file : input.files()) {
      splits.add(new FileSplit(file.path(), 0, file.sizeBytes(), file.rows(), file.sizeBytes()));
    }
    return input
        .batches(List.of(new PlannedTask(0, splits)), columns)
        .mapPartitions(new BatchRows())
        .collect();
  }

  private static final class BatchRows
      implements FlatMapFunction<Iterator<ColumnarBatch>, Integer> {
    @Override
    public Iterator<Integer> call(Iterator<ColumnarBatch> batches) {
      List<Integer> sizes = new ArrayList<>();
      batches.forEachRemaining(batch -> sizes.add(batch.numRows()));
      return sizes.iterator();
    }
  }
}
