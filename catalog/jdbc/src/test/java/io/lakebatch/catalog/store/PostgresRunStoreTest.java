package io.lakebatch.catalog.store;

/** The run store contract on a real PostgreSQL server, one fresh database per test. */
class PostgresRunStoreTest extends RunStoreContractTest {
  @Override
  protected CatalogConfig config() {
    PostgresServer server = PostgresServer.shared();
    return new CatalogConfig(server.createDatabase("run_store"), server.user(), server.password());
  }
}
