package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The catalog: the model registry, the run store and the pinned inputs over one store (a database,
 * with a small pool of its connections). Close it when done (a long-lived JVM opens and closes
 * many).
 *
 * <p>{@link #open} finds the implementation on the class path: the JDBC catalog ({@code
 * io.lakebatch:lakebatch-catalog-jdbc}: embedded H2, PostgreSQL) registers a {@link
 * CatalogProvider}.
 */
public interface Catalog extends AutoCloseable {

  /**
   * Opens (and migrates) the catalog described by {@code config}, through the first {@link
   * CatalogProvider} on the class path that accepts it.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException category UNAVAILABLE when the store
   *     cannot be reached; USER when no implementation on the class path opens {@code config}'s URL
   */
  static Catalog open(CatalogConfig config) {
    List<String> available = new ArrayList<>();
    for (CatalogProvider provider :
        ServiceLoader.load(CatalogProvider.class, CatalogProvider.class.getClassLoader())) {
      if (provider.accepts(config)) {
        return provider.open(config);
      }
      available.add(provider.name());
    }
    throw LakeBatchErrors.noCatalogImplementation(config.url(), available);
  }

  /** Registered models: {@code name@version} to file, digest and signature. */
  ModelRegistry models();

  /** Runs, their chunk ledger and their state history. */
  RunStore runs();

  /** What each run pinned at its first attempt; the staged chunks of overwrite runs. */
  PinnedInputs pinnedInputs();

  /** The job server's durable queue. */
  io.lakebatch.catalog.jobs.JobStore jobs();

  /** The job server's API tokens. */
  io.lakebatch.catalog.jobs.TokenStore tokens();

  /** Where this catalog's store is. */
  CatalogConfig config();

  /** Closes the catalog's connections; using it afterwards fails. Idempotent. */
  @Override
  void close();
}
