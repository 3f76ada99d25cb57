package io.lakebatch.jobs;

import io.lakebatch.catalog.config.LakeBatchSettings;
import java.nio.file.Path;

/**
 * The LakeBatch home folder: the system property {@code lakebatch.home} (for embedding and tests),
 * else {@code $LAKEBATCH_HOME}, else {@code .lakebatch} in the working folder. It holds the
 * embedded catalog database, {@code lakebatch.yaml} and each run's folder (its driver log).
 */
public final class HomeFolder {
  private HomeFolder() {}

  public static Path resolve() {
    String configured =
        System.getProperty(
            LakeBatchSettings.HOME_PROPERTY.key(), System.getenv(LakeBatchSettings.HOME.key()));
    return (configured == null || configured.isBlank()
            ? Path.of(".lakebatch")
            : Path.of(configured))
        .toAbsolutePath()
        .normalize();
  }

  /** Where each run's folder (its driver log) is created. */
  public static Path runFolders() {
    return resolve().resolve("runs");
  }
}
