package io.lakebatch.catalog.spec;

/** Input table formats ({@code input.format}). */
public enum TableFormat {
  DELTA,
  PARQUET;

  public String specName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
