package io.lakebatch.catalog.registry;

import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.PostgresServer;

/** The model registry contract on a real PostgreSQL server, one fresh database per test. */
class PostgresModelRegistryTest extends ModelRegistryContractTest {
  @Override
  protected CatalogConfig config() {
    PostgresServer server = PostgresServer.shared();
    return new CatalogConfig(
        server.createDatabase("model_registry"), server.user(), server.password());
  }
}
