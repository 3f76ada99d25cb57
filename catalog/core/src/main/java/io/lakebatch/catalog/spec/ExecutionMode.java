package io.lakebatch.catalog.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a job server runs a job ({@code resources.execution-mode} in a spec, else the server's
 * {@code server.execution-mode}). Not part of a run's identity; {@code lakebatch run} and {@code
 * submit} ignore it.
 */
public enum ExecutionMode {
  /** In the server's own long-lived SparkSession, in a FAIR pool of its own: starts at once. */
  SHARED,
  /**
   * In a Spark application of its own, started by the server through spark-submit and supervised by
   * it: for jobs that need their own executors, JVM options or another master.
   */
  ISOLATED;

  /** How the spec, the config and the API spell it. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode spelled {@code value} (any case), or empty. */
  public static Optional<ExecutionMode> parse(String value) {
    for (ExecutionMode mode : values()) {
      if (mode.spelling().equalsIgnoreCase(value)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
