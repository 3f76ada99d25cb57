package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A job's priority on a job server ({@code priority:} in a spec): its class and a value within the
 * class, higher first. A spec writes {@code priority: high}, {@code priority: "high:50"} or {@code
 * priority: {class: high, value: 50}}; the job store and the API keep the short spelling. Not part
 * of a run's identity.
 *
 * @param priorityClass {@code high}, {@code normal} or {@code low}
 * @param value 0 to {@value #MAX_VALUE} within the class
 */
public record JobPriority(Priority priorityClass, int value) {
  public static final int MAX_VALUE = 99;
  public static final JobPriority DEFAULT = new JobPriority(Priority.NORMAL, 0);

  public JobPriority {
    requireNonNull(priorityClass, "priorityClass is null");
    if (value < 0 || value > MAX_VALUE) {
      throw new IllegalArgumentException(
          "Invalid priority value (not in 0.." + MAX_VALUE + "): " + value);
    }
  }

  /** Value 0 of {@code priorityClass}. */
  public static JobPriority of(Priority priorityClass) {
    return new JobPriority(priorityClass, 0);
  }

  /** {@code high}, or {@code high:50} when the value is not 0. */
  public String spelling() {
    return value == 0 ? priorityClass.spelling() : priorityClass.spelling() + ":" + value;
  }

  /** The priority spelled {@code text} ({@code high}, {@code high:50}), or empty. */
  public static Optional<JobPriority> parse(String text) {
    int colon = text.indexOf(':');
    Optional<Priority> priorityClass =
        Priority.parse(colon < 0 ? text.trim() : text.substring(0, colon).trim());
    if (priorityClass.isEmpty()) {
      return Optional.empty();
    }
    if (colon < 0) {
      return Optional.of(of(priorityClass.get()));
    }
    try {
      int value = Integer.parseInt(text.substring(colon + 1).trim());
      return value < 0 || value > MAX_VALUE
          ? Optional.empty()
          : Optional.of(new JobPriority(priorityClass.get(), value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The priority a job store row spells, the default when it spells none it knows. */
  public static JobPriority ofStored(String text) {
    return parse(text).orElse(DEFAULT);
  }
}
