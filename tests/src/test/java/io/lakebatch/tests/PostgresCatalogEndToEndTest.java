package io.lakebatch.tests;

import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.PostgresServer;

/** The catalog end-to-end suite on a real PostgreSQL server started by the project's script. */
class PostgresCatalogEndToEndTest extends CatalogEndToEndTest {
  @Override
  protected Catalog openCatalog() {
    PostgresServer server = PostgresServer.shared();
    return Catalog.open(
        new CatalogConfig(server.createDatabase("e2e"), server.user(), server.password()));
  }
}
