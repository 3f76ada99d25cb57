package io.lakebatch.catalog.store;

/**
 * Opens catalogs on one kind of store. {@link Catalog#open} finds providers with {@link
 * java.util.ServiceLoader}: an implementation module names its provider in {@code
 * META-INF/services/io.lakebatch.catalog.store.CatalogProvider}, and needs a public no-argument
 * constructor.
 */
public interface CatalogProvider {

  /** What this provider opens, for messages, e.g. {@code JDBC (jdbc:h2:, jdbc:postgresql:)}. */
  String name();

  /** Whether this provider opens the catalog at {@code config}'s URL. */
  boolean accepts(CatalogConfig config);

  /**
   * Opens (and migrates) the catalog at {@code config}.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException category UNAVAILABLE when it cannot be
   *     reached
   */
  Catalog open(CatalogConfig config);
}
