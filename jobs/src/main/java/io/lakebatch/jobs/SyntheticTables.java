package io.lakebatch.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.lakebatch.catalog.spec.TableFormat;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Writes generated input tables: a key column {@code id}, seeded random feature columns and the
 * optional columns {@link SyntheticTableOptions} asks for.
 */
public final class SyntheticTables {
  private SyntheticTables() {}

  public static void write(SparkSession spark, SyntheticTableOptions options, String path) {
    long skewed = (long) Math.floor(options.rows() * options.skew());
    if (skewed > 0) {
      save(frame(spark, options, 0, skewed).coalesce(1), options, path, SaveMode.Overwrite);
    }
    if (options.rows() - skewed > 0 || skewed == 0) {
      save(
          frame(spark, options, skewed, options.rows())
              .repartition(options.files(), col("id"))
              .sortWithinPartitions("id"),
          options,
          path,
          skewed > 0 ? SaveMode.Append : SaveMode.Overwrite);
    }
  }

  /** Rows {@code [from, to)} of the table, unwritten. */
  static Dataset<Row> frame(SparkSession spark, SyntheticTableOptions options, long from, long to) {
    Dataset<Row> ids = spark.range(from, to, 1, Math.max(1, options.files())).toDF("id");
    List<Column> columns = new ArrayList<>();
    columns.add(col("id"));
    List<Column> features = new ArrayList<>();
    for (int i = 0; i < options.features(); i++) {
      Column value = rand(options.seed() * 1000 + i).multiply(2).minus(1).cast(DataTypes.FloatType);
      if (options.badEvery() > 0 && i == 0) {
        value =
            when(col("id").mod(options.badEvery()).equalTo(7 % options.badEvery()), lit(Float.NaN))
                .otherwise(value);
      }
      if (options.badEvery() > 0 && i == 1) {
        value =
            when(
                    col("id").mod(options.badEvery()).equalTo(3 % options.badEvery()),
                    lit(null).cast(DataTypes.FloatType))
                .otherwise(value);
      }
      features.add(value.as("f" + i));
    }
    columns.addAll(features);
    Dataset<Row> frame = ids.select(columns.toArray(Column[]::new));
    if (options.vectorColumn()) {
      Column[] fs = new Column[options.features()];
      for (int i = 0; i < fs.length; i++) {
        fs[i] = col("f" + i);
      }
      frame = frame.withColumn("vec", array(fs));
    }
    if (options.tokens() > 0) {
      Column[] ids2 = new Column[options.tokens()];
      for (int i = 0; i < ids2.length; i++) {
        ids2[i] = rand(options.seed() * 7919 + i).multiply(1000).cast(DataTypes.LongType);
      }
      frame = frame.withColumn("input_ids", array(ids2));
    }
    if (options.imageSize() > 0) {
      int pixels = 3 * options.imageSize() * options.imageSize();
      // 8-bit pixel levels k/255, as decoded images have: 256 distinct values let Parquet
      // dictionary-encode them.
      frame =
          frame.withColumn(
              "image",
              org.apache.spark.sql.functions.expr(
                  "transform(sequence(1, "
                      + pixels
                      + "), i -> cast(floor(rand("
                      + options.seed()
                      + ") * 256) / 255 as float))"));
    }
    if (options.textWords() > 0) {
      SyntheticText text = new SyntheticText(options.seed(), options.textWords());
      UserDefinedFunction rowText = udf((UDF1<Long, String>) text::row, DataTypes.StringType);
      frame = frame.withColumn("text", rowText.apply(col("id")));
    }
    return frame;
  }

  private static void save(
      Dataset<Row> frame, SyntheticTableOptions options, String path, SaveMode mode) {
    // Delta's writer takes the row-group size from the session's Hadoop configuration, not from
    // options.
    frame
        .sparkSession()
        .sparkContext()
        .hadoopConfiguration()
        .setLong("parquet.block.size", options.rowGroupBytes());
    frame
        .write()
        .format(options.format() == TableFormat.DELTA ? "delta" : "parquet")
        .mode(mode)
        .option("parquet.block.size", options.rowGroupBytes())
        .save(path);
  }
}
