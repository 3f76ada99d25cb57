package io.lakebatch.catalog.spec;

import static io.lakebatch.catalog.error.LakeBatchErrors.unknownKey;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A node of a parsed spec that knows its field path, so every error names where it is. Readers
 * report a broken rule to the spec's {@link SpecErrors} and go on: they return empty (or the
 * default) for a value they reported, and the caller builds nothing from a part with errors.
 */
final class SpecNode {
  private final JsonNode node;
  private final String path;
  private final SpecErrors errors;

  SpecNode(JsonNode node, String path, SpecErrors errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  String path() {
    return path;
  }

  JsonNode raw() {
    return node;
  }

  SpecErrors errors() {
    return errors;
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Reports every key of this mapping not in {@code allowed}; false if this is no mapping. */
  boolean onlyKeys(Set<String> allowed) {
    if (!isMapping()) {
      return false;
    }
    List<String> sorted = allowed.stream().sorted().toList();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!allowed.contains(key)) {
        errors.add(unknownKey(path, key, sorted));
      }
    }
    return true;
  }

  /** Whether this is a mapping; reported if not. */
  boolean isMapping() {
    if (!node.isObject()) {
      report("must be a mapping of keys to values");
      return false;
    }
    return true;
  }

  void report(String rule) {
    errors.add(path.isEmpty() ? "(top level)" : path, rule);
  }

  boolean has(String key) {
    JsonNode child = node.get(key);
    return child != null && !child.isNull();
  }

  Optional<SpecNode> child(String key) {
    return has(key)
        ? Optional.of(new SpecNode(node.get(key), childPath(key), errors))
        : Optional.empty();
  }

  /** The element {@code i} of this list. */
  SpecNode element(int i) {
    return new SpecNode(node.get(i), path + "[" + i + "]", errors);
  }

  /** The child {@code key}; reported if it is missing. */
  Optional<SpecNode> requiredChild(String key) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      errors.add(childPath(key), "is required");
    }
    return child;
  }

  Optional<String> requiredString(String key) {
    return requiredChild(key).flatMap(SpecNode::asString);
  }

  /** The string {@code key}: empty when it is missing or reported. */
  Optional<String> string(String key) {
    return child(key).flatMap(SpecNode::asString);
  }

  Optional<String> asString() {
    if (!node.isTextual()) {
      report("must be a string, got " + describe(node));
      return Optional.empty();
    }
    String value = node.asText();
    if (value.isBlank()) {
      report("must not be empty");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** The whole number {@code key}, at least {@code min}: empty when it is missing or reported. */
  OptionalLong longValue(String key, long min) {
    Optional<SpecNode> child = child(key);
    return child.isEmpty() ? OptionalLong.empty() : child.get().asLong(min);
  }

  OptionalLong asLong(long min) {
    if (!node.canConvertToExactIntegral() || !node.isNumber()) {
      report("must be a whole number, got " + describe(node));
      return OptionalLong.empty();
    }
    if (!node.canConvertToLong()) {
      report("is too large: " + node.asText());
      return OptionalLong.empty();
    }
    long value = node.asLong();
    if (value < min) {
      report("must be at least " + min + ", got " + value);
      return OptionalLong.empty();
    }
    return OptionalLong.of(value);
  }

  OptionalInt asInt(int min) {
    OptionalLong value = asLong(min);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    if (value.getAsLong() > Integer.MAX_VALUE) {
      report("must be at most " + Integer.MAX_VALUE + ", got " + value.getAsLong());
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) value.getAsLong());
  }

  /** The int {@code key}, at least {@code min}; {@code defaultValue} when missing or reported. */
  int intValue(String key, int min, int defaultValue) {
    return child(key).map(c -> c.asInt(min).orElse(defaultValue)).orElse(defaultValue);
  }

  /** The boolean {@code key}; {@code defaultValue} when missing or reported. */
  boolean booleanValue(String key, boolean defaultValue) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return defaultValue;
    }
    if (!child.get().node.isBoolean()) {
      child.get().report("must be true or false, got " + describe(child.get().node));
      return defaultValue;
    }
    return child.get().node.asBoolean();
  }

  /**
   * The number {@code key} in {@code [min, max]}; {@code defaultValue} when missing or reported.
   */
  double doubleValue(String key, double min, double max, double defaultValue) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return defaultValue;
    }
    JsonNode value = child.get().node;
    if (!value.isNumber()) {
      child.get().report("must be a number, got " + describe(value));
      return defaultValue;
    }
    double d = value.asDouble();
    if (d < min || d > max) {
      child.get().report("must be between " + min + " and " + max + ", got " + d);
      return defaultValue;
    }
    return d;
  }

  /** The list of strings {@code key}; empty when it is missing or reported. */
  List<String> stringList(String key) {
    return child(key).flatMap(SpecNode::asStringList).orElse(List.of());
  }

  /** This list of strings; empty when it or any element is reported (each bad element is). */
  Optional<List<String>> asStringList() {
    if (!node.isArray()) {
      report("must be a list, got " + describe(node));
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < node.size(); i++) {
      Optional<String> value = element(i).asString();
      value.ifPresent(values::add);
      valid &= value.isPresent();
    }
    return valid ? Optional.of(values) : Optional.empty();
  }

  /** The entries of this mapping, in spec order; call {@link #isMapping()} first. */
  List<Map.Entry<String, SpecNode>> entries() {
    List<Map.Entry<String, SpecNode>> entries = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            e ->
                entries.add(
                    Map.entry(
                        e.getKey(), new SpecNode(e.getValue(), childPath(e.getKey()), errors))));
    return entries;
  }

  static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "'" + node.asText() + "'";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    return node.toString();
  }
}
