package io.lakebatch.catalog.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The token store contract on the embedded default: an H2 file database with AUTO_SERVER. */
class H2TokenStoreTest extends TokenStoreContractTest {
  @TempDir Path home;

  @Override
  protected CatalogConfig config() {
    return CatalogConfig.embedded(home);
  }
}
