package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import java.nio.file.Path;

/**
 * Opens the catalog of the LakeBatch home folder: the system property {@code lakebatch.home} (for
 * embedding and tests), else {@code $LAKEBATCH_HOME}, else {@code .lakebatch} in the working folder.
 *
 * <p>Same rules as {@code io.lakebatch.submit.LakeBatchHome}, which is package-private; the two
 * should be merged.
 */
public final class CatalogAccess {
  private CatalogAccess() {}

  /** The LakeBatch home folder, absolute. */
  public static Path home() {
    String configured = System.getProperty("lakebatch.home", System.getenv("LAKEBATCH_HOME"));
    return (configured == null || configured.isBlank() ? Path.of(".lakebatch") : Path.of(configured))
        .toAbsolutePath().normalize();
  }

  /**
   * Opens (and migrates) the catalog configured for {@link #home()}.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException category UNAVAILABLE (exit 5) when the
   *     database cannot be reached
   */
  public static Catalog open() {
    return Catalog.open(CatalogConfig.load(home(), System.getenv()));
  }
}
