package io.lakebatch.catalog.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.model.ValueKind;
import io.lakebatch.catalog.model.ValueSignature;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link ModelSignature}: {@code
 * {"inputs":[{name,kind,element,dims,map_key}],"outputs":[...]}}.
 */
final class SignatureJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SignatureJson() {}

  static String write(ModelSignature signature) {
    ObjectNode root = JSON.createObjectNode();
    root.set("inputs", values(signature.inputs()));
    root.set("outputs", values(signature.outputs()));
    return root.toString();
  }

  static ModelSignature read(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      return new ModelSignature(values(root.get("inputs")), values(root.get("outputs")));
    } catch (java.io.IOException | RuntimeException e) {
      throw LakeBatchErrors.internal("stored model signature cannot be read: " + json, e);
    }
  }

  private static ArrayNode values(List<ValueSignature> values) {
    ArrayNode array = JSON.createArrayNode();
    for (ValueSignature value : values) {
      ObjectNode node = array.addObject();
      node.put("name", value.name());
      node.put("kind", value.kind().name());
      node.put("element", value.element().name());
      ArrayNode dims = node.putArray("dims");
      value.dims().forEach(dims::add);
      node.put("map_key", value.mapKey().name());
    }
    return array;
  }

  private static List<ValueSignature> values(JsonNode array) {
    List<ValueSignature> values = new ArrayList<>();
    for (JsonNode node : array) {
      List<Long> dims = new ArrayList<>();
      node.get("dims").forEach(d -> dims.add(d.asLong()));
      values.add(
          new ValueSignature(
              node.get("name").asText(),
              ValueKind.valueOf(node.get("kind").asText()),
              ElementType.valueOf(node.get("element").asText()),
              dims,
              ElementType.valueOf(node.get("map_key").asText())));
    }
    return values;
  }
}
