package io.lakebatch.udf;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * The Hadoop configuration a JVM of a Spark application should use, built from the {@code
 * SparkConf} the JVM has: {@code spark.hadoop.*} keys (endpoints, credentials, {@code
 * fs.<scheme>.impl}) and the AWS environment variables Spark maps to S3A settings, exactly as Spark
 * builds its own. This is the one call into Spark's internal {@code SparkHadoopUtil} (a version
 * seam).
 *
 * <p>Read from {@link SparkEnv} rather than a broadcast of the driver's configuration: executors
 * get the application's conf at launch, so every executor-side reader (tasks, batch-size probe, SQL
 * function) has it with no broadcast to create, ship and thread through closures, and a session is
 * loaded once per JVM anyway. Settings changed at run time with {@code
 * sparkContext().hadoopConfiguration().set(...)} on the driver do not reach executors this way; set
 * them as {@code spark.hadoop.*} when the session is built.
 */
public final class SparkHadoopConfiguration {
  private SparkHadoopConfiguration() {}

  /**
   * From this JVM's {@code SparkEnv} (executor or driver); a default configuration outside Spark.
   */
  public static Configuration ofThisJvm() {
    SparkEnv env = SparkEnv.get();
    return env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
  }
}
