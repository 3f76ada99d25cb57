package io.lakebatch.catalog.registry;

import io.lakebatch.catalog.store.CatalogConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The model registry contract on the embedded default: an H2 file database with AUTO_SERVER. */
class H2ModelRegistryTest extends ModelRegistryContractTest {
  @TempDir Path home;

  @Override
  protected CatalogConfig config() {
    return CatalogConfig.embedded(home);
  }
}
