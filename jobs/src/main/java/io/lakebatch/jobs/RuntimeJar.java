package io.lakebatch.jobs;

import io.lakebatch.catalog.config.LakeBatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the LakeBatch runtime jar is: the one jar a driver ships to executors ({@code spark.jars})
 * on a cluster — the engine, ONNX Runtime, the catalog core and Delta, built by {@code
 * submit/runtime}. Executors never get the driver's classpath (JDBC catalog, CLI, model
 * generators).
 *
 * <p>Set by the {@code lakebatch} launcher (and the test build) as the system property {@value
 * #PROPERTY}, or by the environment variable {@value #ENVIRONMENT}.
 */
public final class RuntimeJar {
  public static final String PROPERTY = LakeBatchSettings.RUNTIME_JAR.key();
  public static final String ENVIRONMENT = LakeBatchSettings.RUNTIME_JAR_ENV.key();

  private RuntimeJar() {}

  /** The runtime jar, if this installation says where it is and it exists. */
  public static Optional<Path> location() {
    String value = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Path jar = Path.of(value).toAbsolutePath().normalize();
    return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
  }
}
