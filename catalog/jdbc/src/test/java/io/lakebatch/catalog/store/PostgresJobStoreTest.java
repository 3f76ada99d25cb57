package io.lakebatch.catalog.store;

/** The job store contract on a real PostgreSQL server, one fresh database per test. */
class PostgresJobStoreTest extends JobStoreContractTest {
  @Override
  protected CatalogConfig config() {
    PostgresServer server = PostgresServer.shared();
    return new CatalogConfig(server.createDatabase("job_store"), server.user(), server.password());
  }
}
