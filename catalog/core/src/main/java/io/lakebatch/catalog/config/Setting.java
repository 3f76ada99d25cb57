package io.lakebatch.catalog.config;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting LakeBatch reads: where it is read from, its key, its type, its default and what it
 * does. Every setting is declared once, in {@link LakeBatchSettings}; call sites read it through
 * {@link #from} and never spell the key themselves.
 *
 * @param defaultValue empty when unset means "not configured" (the setting is optional)
 * @param defaultText the default as the documentation shows it (e.g. {@code <output>_dead_letter})
 */
public record Setting<T>(
    SettingSource source,
    String key,
    String type,
    Optional<T> defaultValue,
    String defaultText,
    Function<String, T> parser,
    String doc) {
  public Setting {
    requireNonNull(source, "source is null");
    requireNonNull(key, "key is null");
    requireNonNull(type, "type is null");
    requireNonNull(defaultValue, "defaultValue is null");
    requireNonNull(defaultText, "defaultText is null");
    requireNonNull(parser, "parser is null");
    requireNonNull(doc, "doc is null");
    if (key.isBlank() || doc.isBlank()) {
      throw new IllegalArgumentException("Invalid setting (blank key or doc): " + key);
    }
  }

  /**
   * The setting's value as {@code lookup} (a Spark conf, the environment, the system properties…)
   * has it, parsed; its default when the lookup has none; empty for an optional setting not given.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException (user error) naming the key when the
   *     value does not parse
   */
  public Optional<T> from(Function<String, Optional<String>> lookup) {
    Optional<String> raw = lookup.apply(key).filter(value -> !value.isBlank());
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Optional.of(parser.apply(raw.get().trim()));
    } catch (RuntimeException e) {
      throw LakeBatchErrors.invalidSetting(source.describe(key), raw.get(), type);
    }
  }

  /** {@link #from} for a setting that has a default. */
  public T valueFrom(Function<String, Optional<String>> lookup) {
    return from(lookup).orElseThrow(() -> new IllegalStateException(key + " has no default"));
  }

  /**
   * This setting from the JVM's system properties, then the environment (for settings read from
   * both).
   */
  public Optional<T> fromSystem() {
    return from(k -> Optional.ofNullable(System.getProperty(k)));
  }
}
