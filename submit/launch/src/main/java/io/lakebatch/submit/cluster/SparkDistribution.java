package io.lakebatch.submit.cluster;

import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The jars of a plain Spark distribution (Spark SQL and its dependencies, nothing of LakeBatch), as
 * {@code submit/spark-home} lists them in {@code target/spark-jars.txt}. A standalone cluster
 * started with them runs its executors as a real Spark installation would: LakeBatch reaches them
 * only as the runtime jar a driver ships ({@code spark.jars}).
 *
 * <p>The list's location is the system property {@value #PROPERTY} (set by the {@code lakebatch}
 * launcher and the test build) or the environment variable {@value #ENVIRONMENT}.
 */
public final class SparkDistribution {
  public static final String PROPERTY = LakeBatchSettings.SPARK_JARS.key();
  public static final String ENVIRONMENT = LakeBatchSettings.SPARK_JARS_ENV.key();

  private SparkDistribution() {}

  /** The distribution's jars, if this installation lists them. */
  public static Optional<List<Path>> jars() {
    String value = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Path list = Path.of(value);
    try {
      return Optional.of(ClusterClasspath.parse(Files.readString(list).trim()));
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo(
          "cannot read the Spark distribution's jar list "
              + list
              + " (set by "
              + PROPERTY
              + "; rebuild with ./lakebatch or mvn package)",
          e);
    }
  }
}
