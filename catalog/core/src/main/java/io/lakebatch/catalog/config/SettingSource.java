package io.lakebatch.catalog.config;

/** Where a {@link Setting} is read from. */
public enum SettingSource {
  /** A key of the job spec (YAML). */
  SPEC("job spec"),
  /** A Spark conf key: {@code --conf k=v}, {@code spark-defaults.conf} or the session builder. */
  SPARK_CONF("Spark conf"),
  /** A JVM system property ({@code -Dk=v}); the launcher sets these. */
  SYSTEM_PROPERTY("system property"),
  /** An environment variable. */
  ENVIRONMENT("environment");

  private final String label;

  SettingSource(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The key as a message names it, e.g. {@code Spark conf spark.lakebatch.read.columnar}. */
  public String describe(String key) {
    return label + " " + key;
  }
}
