package io.lakebatch.tests;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.jobs.SparkSessionFactory;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession per test class, built the way jobs build theirs. */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start() {
    return SparkSessionFactory.create(
        "lakebatch-tests", new ResourceSpec("local[2]", 1, 2, "2g", 0), 2);
  }

  public static long count(SparkSession spark, String deltaPath) {
    return spark.read().format("delta").load(deltaPath).count();
  }

  public static long distinctIds(SparkSession spark, String deltaPath) {
    return spark.read().format("delta").load(deltaPath).select("id").distinct().count();
  }

  public static List<Long> ids(SparkSession spark, String deltaPath) {
    return spark
        .read()
        .format("delta")
        .load(deltaPath)
        .select("id")
        .orderBy("id")
        .collectAsList()
        .stream()
        .map((Row r) -> r.getLong(0))
        .toList();
  }
}
