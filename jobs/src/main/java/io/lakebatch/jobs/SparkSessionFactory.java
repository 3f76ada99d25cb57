package io.lakebatch.jobs;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.planner.SparkResourceConf;
import io.lakebatch.udf.LakeBatchSparkPlugin;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession a job runs in, from the spec's resources, with Delta enabled. */
public final class SparkSessionFactory {
  /** Spark's own module flags for Java 17 (FACTS.md); every JVM hosting a driver needs them */
  public static final List<String> JAVA_MODULE_FLAGS = BuildInfo.jvmModuleFlags();

  /**
   * Registers {@code lakebatch_predict}; named, not imported: the API package sits above this one.
   */
  static final String SQL_EXTENSIONS = "io.lakebatch.api.LakeBatchSqlExtensions";

  private SparkSessionFactory() {}

  public static SparkSession create(String appName, ResourceSpec resources, int taskAttempts) {
    return create(appName, resources, taskAttempts, false);
  }

  /**
   * @param taskAttempts {@code spark.task.maxFailures}
   * @param speculation {@code spark.speculation}: speculative copies of slow tasks (never on the
   *     host of the original, so it needs a cluster of more than one host)
   */
  public static SparkSession create(
      String appName, ResourceSpec resources, int taskAttempts, boolean speculation) {
    return create(appName, resources, taskAttempts, speculation, Map.of());
  }

  /** As above, then {@code extraConf} (e.g. what a standalone cluster's drivers need) on top. */
  public static SparkSession create(
      String appName,
      ResourceSpec resources,
      int taskAttempts,
      boolean speculation,
      Map<String, String> extraConf) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(appName)
            // Delta, and lakebatch_predict(model, cols...) in SQL
            .config(
                "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension," + SQL_EXTENSIONS)
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.databricks.delta.snapshotPartitions", "2")
            // Each chunk commit reads the table's transaction ids; kept in the commit's checksum
            // file
            // they are read from there instead of by a state-reconstruction job per commit.
            .config("spark.databricks.delta.incremental.commit.enabled", "true")
            .config("spark.databricks.delta.setTransactionsInCrc.writeOnCommit", "true")
            .config("spark.databricks.delta.readProtocolAndMetadataFromChecksum.enabled", "true")
            .config("spark.databricks.delta.stats.collect", "true");
    if (resources.isLocal()) {
      builder
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false");
    } else {
      // Executors of a cluster get LakeBatch from the runtime jar only, never the driver's
      // classpath.
      RuntimeJar.location().ifPresent(jar -> builder.config("spark.jars", jar.toUri().toString()));
    }
    SparkResourceConf.of(resources, taskAttempts, speculation).forEach(builder::config);
    extraConf.forEach(builder::config);
    // the plugin closes the executors' ONNX Runtime sessions; appended to plugins set by the caller
    // or spark-submit
    String plugins =
        extraConf.getOrDefault("spark.plugins", System.getProperty("spark.plugins", ""));
    builder.config(
        "spark.plugins",
        (plugins.isBlank() ? "" : plugins + ",") + LakeBatchSparkPlugin.class.getName());
    return builder.getOrCreate();
  }
}
