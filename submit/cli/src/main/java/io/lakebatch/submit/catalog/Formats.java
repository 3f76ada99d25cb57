package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.model.ValueSignature;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Text formats shared by the catalog commands. */
final class Formats {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private Formats() {}

  static String time(Instant instant) {
    return TIME.format(instant);
  }

  static String time(Optional<Instant> instant) {
    return instant.map(Formats::time).orElse("-");
  }

  /** The local wall-clock time of day, for lines printed while watching. */
  static String clock(Instant instant) {
    return CLOCK.format(instant);
  }

  static String shortHash(String sha256) {
    return sha256 == null || sha256.length() <= 12
        ? String.valueOf(sha256)
        : sha256.substring(0, 12);
  }

  /** {@code features float[N,4], mask int64[N]}. */
  static String values(List<ValueSignature> values) {
    return values.stream()
        .map(v -> v.name() + " " + v.describe())
        .collect(Collectors.joining(", "));
  }

  /** Collapses line breaks so a value fits in one table cell. */
  static String oneLine(String text) {
    return text.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  static String truncate(String text, int max) {
    String line = oneLine(text);
    return line.length() <= max ? line : line.substring(0, max - 3) + "...";
  }

  /** Aligned {@code key value} lines. */
  static final class Fields {
    private final StringBuilder out = new StringBuilder();
    private final int width;

    Fields(int width) {
      this.width = width;
    }

    Fields add(String key, Object value) {
      out.append(key)
          .append(" ".repeat(Math.max(1, width - key.length())))
          .append(value)
          .append(System.lineSeparator());
      return this;
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}
