package io.lakebatch.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.Action$;

/** Delta actions as a JSON array of their log lines, as the catalog keeps staged files. */
final class DeltaActionsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaActionsJson() {}

  static String write(List<Action> actions) {
    ArrayNode array = JSON.createArrayNode();
    for (Action action : actions) {
      array.add(action.json());
    }
    return array.toString();
  }

  static List<Action> read(String json) {
    try {
      List<Action> actions = new ArrayList<>();
      for (JsonNode line : JSON.readTree(json)) {
        actions.add(Action$.MODULE$.fromJson(line.asText()));
      }
      return actions;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("staged actions are not JSON: " + e.getMessage(), e);
    }
  }
}
