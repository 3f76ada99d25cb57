package io.lakebatch.catalog.spec;

import static io.lakebatch.catalog.error.LakeBatchErrors.invalidSpec;
import static io.lakebatch.catalog.error.LakeBatchErrors.unknownKey;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** A node of a parsed spec that knows its field path, so every error names where it is. */
final class SpecNode {
  private final JsonNode node;
  private final String path;

  SpecNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  String path() {
    return path;
  }

  JsonNode raw() {
    return node;
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Fails on the first key of this object not in {@code allowed}. */
  SpecNode onlyKeys(Set<String> allowed) {
    requireObject();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!allowed.contains(key)) {
        throw unknownKey(path, key, allowed.stream().sorted().toList());
      }
    }
    return this;
  }

  void requireObject() {
    if (!node.isObject()) {
      throw invalidSpec(
          path.isEmpty() ? "(top level)" : path, "must be a mapping of keys to values");
    }
  }

  boolean has(String key) {
    JsonNode child = node.get(key);
    return child != null && !child.isNull();
  }

  Optional<SpecNode> child(String key) {
    return has(key) ? Optional.of(new SpecNode(node.get(key), childPath(key))) : Optional.empty();
  }

  SpecNode requiredChild(String key) {
    return child(key).orElseThrow(() -> invalidSpec(childPath(key), "is required"));
  }

  Optional<SpecNode> object(String key) {
    Optional<SpecNode> child = child(key);
    child.ifPresent(SpecNode::requireObject);
    return child;
  }

  String requiredString(String key) {
    return requiredChild(key).asString();
  }

  Optional<String> string(String key) {
    return child(key).map(SpecNode::asString);
  }

  String asString() {
    if (!node.isTextual()) {
      throw invalidSpec(path, "must be a string, got " + describe(node));
    }
    String value = node.asText();
    if (value.isBlank()) {
      throw invalidSpec(path, "must not be empty");
    }
    return value;
  }

  OptionalLong longValue(String key, long min) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(child.get().asLong(min));
  }

  long asLong(long min) {
    if (!node.canConvertToExactIntegral() || !node.isNumber()) {
      throw invalidSpec(path, "must be a whole number, got " + describe(node));
    }
    if (!node.canConvertToLong()) {
      throw invalidSpec(path, "is too large: " + node.asText());
    }
    long value = node.asLong();
    if (value < min) {
      throw invalidSpec(path, "must be at least " + min + ", got " + value);
    }
    return value;
  }

  int intValue(String key, int min, int defaultValue) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return defaultValue;
    }
    long value = child.get().asLong(min);
    if (value > Integer.MAX_VALUE) {
      throw invalidSpec(
          child.get().path, "must be at most " + Integer.MAX_VALUE + ", got " + value);
    }
    return (int) value;
  }

  boolean booleanValue(String key, boolean defaultValue) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return defaultValue;
    }
    if (!child.get().node.isBoolean()) {
      throw invalidSpec(
          child.get().path, "must be true or false, got " + describe(child.get().node));
    }
    return child.get().node.asBoolean();
  }

  double doubleValue(String key, double min, double max, double defaultValue) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return defaultValue;
    }
    JsonNode value = child.get().node;
    if (!value.isNumber()) {
      throw invalidSpec(child.get().path, "must be a number, got " + describe(value));
    }
    double d = value.asDouble();
    if (d < min || d > max) {
      throw invalidSpec(child.get().path, "must be between " + min + " and " + max + ", got " + d);
    }
    return d;
  }

  List<String> stringList(String key) {
    Optional<SpecNode> child = child(key);
    if (child.isEmpty()) {
      return List.of();
    }
    return child.get().asStringList();
  }

  List<String> asStringList() {
    if (!node.isArray()) {
      throw invalidSpec(path, "must be a list, got " + describe(node));
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      values.add(new SpecNode(node.get(i), path + "[" + i + "]").asString());
    }
    return values;
  }

  List<Map.Entry<String, SpecNode>> entries() {
    requireObject();
    List<Map.Entry<String, SpecNode>> entries = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            e ->
                entries.add(
                    Map.entry(e.getKey(), new SpecNode(e.getValue(), childPath(e.getKey())))));
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
