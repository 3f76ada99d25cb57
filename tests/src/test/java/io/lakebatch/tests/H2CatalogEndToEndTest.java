package io.lakebatch.tests;

import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import java.nio.file.Path;
import java.util.UUID;

/** The catalog end-to-end suite on the embedded default database. */
class H2CatalogEndToEndTest extends CatalogEndToEndTest {
  @Override
  protected Catalog openCatalog() {
    return Catalog.open(
        CatalogConfig.embedded(
            Path.of(System.getProperty("java.io.tmpdir"), "h2-e2e-" + UUID.randomUUID())));
  }
}
