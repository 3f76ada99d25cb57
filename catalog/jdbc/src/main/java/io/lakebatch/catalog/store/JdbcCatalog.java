package io.lakebatch.catalog.store;

import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.TokenStore;
import io.lakebatch.catalog.registry.JdbcModelRegistry;
import io.lakebatch.catalog.registry.ModelRegistry;
import java.time.Clock;

/**
 * The catalog on one JDBC database (embedded H2, PostgreSQL), with a small pool of its connections.
 * Opened by {@link Catalog#open} through {@link JdbcCatalogProvider}.
 */
final class JdbcCatalog implements Catalog {
  private final CatalogDatabase database;
  private final ModelRegistry models;
  private final RunStore runs;
  private final PinnedInputs pinnedInputs;
  private final JobStore jobs;
  private final TokenStore tokens;

  private JdbcCatalog(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.models = new JdbcModelRegistry(database, clock);
    this.runs = new JdbcRunStore(database, clock);
    this.pinnedInputs = new JdbcPinnedInputs(database, clock);
    this.jobs = new JdbcJobStore(database, clock);
    this.tokens = new JdbcTokenStore(database, clock);
  }

  /** Opens (and migrates) the catalog database described by {@code config}. */
  static JdbcCatalog open(CatalogConfig config) {
    return new JdbcCatalog(CatalogDatabase.open(config), Clock.systemUTC());
  }

  @Override
  public ModelRegistry models() {
    return models;
  }

  @Override
  public RunStore runs() {
    return runs;
  }

  @Override
  public PinnedInputs pinnedInputs() {
    return pinnedInputs;
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public TokenStore tokens() {
    return tokens;
  }

  @Override
  public CatalogConfig config() {
    return database.config();
  }

  @Override
  public void close() {
    database.close();
  }
}
