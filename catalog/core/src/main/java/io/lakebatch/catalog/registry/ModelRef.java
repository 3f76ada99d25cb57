package io.lakebatch.catalog.registry;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A catalog reference to a model: {@code name@version} or {@code name@latest}.
 *
 * @param version empty for {@code latest}
 */
public record ModelRef(String name, OptionalInt version) {
  /** Model names: lower-case letters, digits, {@code -}, {@code _} and {@code .}. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private static final Pattern REF =
      Pattern.compile("(" + NAME.pattern() + ")@(latest|[1-9][0-9]*)");

  public ModelRef {
    requireNonNull(name, "name is null");
    requireNonNull(version, "version is null");
  }

  /** Parses {@code text}; {@code field} names where it came from in errors. */
  public static ModelRef parse(String text, String field) {
    Matcher m = REF.matcher(text);
    if (!m.matches()) {
      throw LakeBatchErrors.invalidSpec(
          field,
          "'"
              + text
              + "' is not a model reference; write name@version"
              + " (e.g. eta@3) or name@latest");
    }
    return new ModelRef(
        m.group(1),
        m.group(2).equals("latest")
            ? OptionalInt.empty()
            : OptionalInt.of(Integer.parseInt(m.group(2))));
  }

  @Override
  public String toString() {
    return name + "@" + (version.isPresent() ? Integer.toString(version.getAsInt()) : "latest");
  }
}
