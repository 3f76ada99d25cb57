package io.lakebatch.submit;

import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.jobs.HomeFolder;
import java.nio.file.Path;

/**
 * The LakeBatch home folder: the system property {@code lakebatch.home} (for embedding and tests),
 * else {@code $LAKEBATCH_HOME}, else {@code .lakebatch} in the working folder. It holds the
 * embedded catalog database, {@code lakebatch.yaml} and each run's folder (its driver log).
 */
public final class LakeBatchHome {
  private LakeBatchHome() {}

  public static Path resolve() {
    return HomeFolder.resolve();
  }

  /** Where each run's folder (its driver log) is created. */
  public static Path runFolders() {
    return HomeFolder.runFolders();
  }

  /** Opens the catalog this home is configured for (see {@link CatalogConfig#load}). */
  public static Catalog catalog() {
    return Catalog.open(CatalogConfig.load(resolve(), System.getenv()));
  }
}
