package io.lakebatch.catalog.store;

/**
 * Opens {@link JdbcCatalog}s for {@code jdbc:} URLs; registered in {@code
 * META-INF/services/io.lakebatch.catalog.store.CatalogProvider}.
 */
public final class JdbcCatalogProvider implements CatalogProvider {
  private static final String SCHEME = "jdbc:";

  @Override
  public String name() {
    return "JDBC (jdbc:h2:, jdbc:postgresql:)";
  }

  @Override
  public boolean accepts(CatalogConfig config) {
    return config.url().startsWith(SCHEME);
  }

  @Override
  public Catalog open(CatalogConfig config) {
    return JdbcCatalog.open(config);
  }
}
