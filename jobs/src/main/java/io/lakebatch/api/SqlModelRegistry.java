package io.lakebatch.api;

import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.registry.ModelRegistry;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * The model registry SQL calls resolve references in: named by the session's conf, opened once per
 * URL.
 */
final class SqlModelRegistry {
  /** Spark conf: JDBC URL of the LakeBatch catalog that resolves {@code name@version} in SQL. */
  static final String URL_CONF = LakeBatchSettings.SQL_CATALOG_URL.key();

  static final String USER_CONF = LakeBatchSettings.SQL_CATALOG_USER.key();
  static final String PASSWORD_CONF = LakeBatchSettings.SQL_CATALOG_PASSWORD.key();
  static final String HINT =
      "set "
          + URL_CONF
          + " (and "
          + USER_CONF
          + ", "
          + PASSWORD_CONF
          + ") to the catalog's JDBC URL";

  // Opening a catalog migrates its schema: once per URL and JVM, not per query.
  private static final Map<CatalogConfig, Catalog> OPEN = new ConcurrentHashMap<>();

  private SqlModelRegistry() {}

  static Optional<ModelRegistry> of(SparkSession spark) {
    String url = spark.conf().get(URL_CONF, "");
    if (url.isBlank()) {
      return Optional.empty();
    }
    CatalogConfig config =
        new CatalogConfig(
            url, spark.conf().get(USER_CONF, ""), spark.conf().get(PASSWORD_CONF, ""));
    return Optional.of(OPEN.computeIfAbsent(config, Catalog::open).models());
  }
}
