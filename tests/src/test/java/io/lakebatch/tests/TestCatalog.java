package io.lakebatch.tests;

import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import java.nio.file.Path;
import java.util.UUID;

/** The catalog the end-to-end suites record their runs in: one embedded database per test JVM. */
final class TestCatalog {
  private static Path home;
  private static Catalog catalog;

  private TestCatalog() {}

  /** A LakeBatch home folder of this JVM, holding the embedded catalog and the run folders. */
  static synchronized Path home() {
    if (home == null) {
      home = Path.of(System.getProperty("java.io.tmpdir"), "lakebatch-home-" + UUID.randomUUID());
    }
    return home;
  }

  static synchronized Catalog shared() {
    if (catalog == null) {
      catalog = Catalog.open(CatalogConfig.embedded(home()));
    }
    return catalog;
  }

  static Path runFolders() {
    return home().resolve("runs");
  }
}
