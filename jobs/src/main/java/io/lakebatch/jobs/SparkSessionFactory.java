package io.lakebatch.jobs;

import io.lakebatch.catalog.spec.ResourceSpec;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession a job runs in, from the spec's resources, with Delta enabled. */
public final class SparkSessionFactory {
  private SparkSessionFactory() {}

  public static SparkSession create(String appName, ResourceSpec resources, int taskAttempts) {
    String master = resources.master();
    if (master.startsWith("local") && !master.contains(",")) {
      // local mode only retries a failed task when the master says how often: local[N, F]
      master = master.replace("]", "," + taskAttempts + "]");
    }
    SparkSession.Builder builder = SparkSession.builder()
        .appName(appName)
        .master(master)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.task.maxFailures", taskAttempts)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.databricks.delta.stats.collect", "true");
    if (resources.isLocal()) {
      builder.config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false");
    } else {
      builder.config("spark.executor.instances", resources.executors())
          .config("spark.executor.cores", resources.executorCores())
          .config("spark.executor.memory", resources.executorMemory())
          .config("spark.cores.max", (long) resources.executors() * resources.executorCores());
    }
    return builder.getOrCreate();
  }
}
