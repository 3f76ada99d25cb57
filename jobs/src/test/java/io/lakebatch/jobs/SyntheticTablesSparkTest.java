package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticTablesSparkTest {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessionFactory.create(
            "synthetic-tables-test", new ResourceSpec("local[1]", 1, 1, "1g", 0), 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void writesEightBitImagesAndPerRowSeededText() {
    SyntheticTableOptions options =
        SyntheticTableOptions.of(100, 1, TableFormat.PARQUET).withImageSize(4).withText(10);

    List<Row> rows =
        SyntheticTables.frame(spark, options, 0, 100).select("id", "image", "text").collectAsList();
    assertThat(rows).hasSize(100);
    SyntheticText text = new SyntheticText(options.seed(), 10);
    for (Row row : rows) {
      assertThat(row.getString(2)).isEqualTo(text.row(row.getLong(0)));
      List<Float> pixels = row.getList(1);
      assertThat(pixels)
          .hasSize(3 * 4 * 4)
          .allSatisfy(
              pixel -> {
                float level = pixel * 255;
                assertThat(level).isBetween(0f, 255f);
                assertThat(Math.abs(level - Math.round(level))).isLessThan(1e-3f);
              });
    }
  }
}
