package io.lakebatch.catalog.store;

/** The token store contract on a real PostgreSQL server, one fresh database per test. */
class PostgresTokenStoreTest extends TokenStoreContractTest {
  @Override
  protected CatalogConfig config() {
    PostgresServer server = PostgresServer.shared();
    return new CatalogConfig(
        server.createDatabase("token_store"), server.user(), server.password());
  }
}
