package io.lakebatch.catalog.store;

import io.lakebatch.catalog.registry.ModelRegistry;
import java.time.Clock;

/**
 * The catalog: the model registry and the run store over one database, with a small pool of its
 * connections. Close it when done (a long-lived JVM opens and closes many).
 */
public final class Catalog implements AutoCloseable {
  private final CatalogDatabase database;
  private final ModelRegistry models;
  private final RunStore runs;
  private final PinnedInputs pinnedInputs;

  private Catalog(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.models = new ModelRegistry(database, clock);
    this.runs = new RunStore(database, clock);
    this.pinnedInputs = new PinnedInputs(database, clock);
  }

  /** Opens (and migrates) the catalog database described by {@code config}. */
  public static Catalog open(CatalogConfig config) {
    return new Catalog(CatalogDatabase.open(config), Clock.systemUTC());
  }

  public ModelRegistry models() {
    return models;
  }

  public RunStore runs() {
    return runs;
  }

  /** What each run pinned at its first attempt; the staged chunks of overwrite runs. */
  public PinnedInputs pinnedInputs() {
    return pinnedInputs;
  }

  public CatalogConfig config() {
    return database.config();
  }

  /** Closes the catalog's connections; using it afterwards fails. Idempotent. */
  @Override
  public void close() {
    database.close();
  }
}
