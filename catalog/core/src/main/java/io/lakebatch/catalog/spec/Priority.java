package io.lakebatch.catalog.spec;

import java.util.Locale;

/**
 * A job's priority class on the server ({@code priority:} in a spec): the scheduler starts a
 * waiting {@code high} job before a {@code normal} one, and a {@code normal} before a {@code low};
 * within a class, in submission order. Not part of a run's identity.
 */
public enum Priority {
  HIGH,
  NORMAL,
  LOW;

  /** How the spec and the API spell it. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The class spelled {@code value}, or empty. */
  public static java.util.Optional<Priority> parse(String value) {
    for (Priority p : values()) {
      if (p.spelling().equals(value)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }
}
