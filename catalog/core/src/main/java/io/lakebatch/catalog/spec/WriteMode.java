package io.lakebatch.catalog.spec;

/** {@code output.mode}: append to the output table, or replace its content with this run's rows. */
public enum WriteMode {
  APPEND,
  OVERWRITE;

  public String specName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
