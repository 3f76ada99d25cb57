package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's plan as stored at its first attempt: the pinned input and the chunks decided from it. A
 * resume rebuilds the plan from this, never from a fresh listing, so chunk {@code i} always means
 * the same splits.
 */
public record StoredPlan(InputFingerprint input, InferencePlan plan) {
  /** Format of {@link #toJson()}; a reader refuses another. */
  public static final int FORMAT = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  public StoredPlan {
    requireNonNull(input, "input is null");
    requireNonNull(plan, "plan is null");
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", input.version());
    ArrayNode files = root.putArray("files");
    for (PinnedFile file : input.files()) {
      files
          .addObject()
          .put("path", file.path())
          .put("size", file.sizeBytes())
          .put("mtime", file.modificationTime())
          .put("rows", file.rows());
    }
    root.put("rows-per-task", plan.rowsPerTask());
    ArrayNode chunks = root.putArray("chunks");
    for (Chunk chunk : plan.chunks()) {
      ObjectNode c = chunks.addObject().put("index", chunk.index());
      ArrayNode tasks = c.putArray("tasks");
      for (PlannedTask task : chunk.tasks()) {
        ObjectNode t = tasks.addObject().put("index", task.index());
        ArrayNode splits = t.putArray("splits");
        for (FileSplit split : task.splits()) {
          splits
              .addObject()
              .put("path", split.path())
              .put("start", split.start())
              .put("length", split.length())
              .put("rows", split.rows())
              .put("size", split.fileSize())
              .put("cost", split.cost());
        }
      }
    }
    return root.toString();
  }

  /** Reads {@link #toJson()}'s text; fails on anything else. */
  public static StoredPlan fromJson(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("stored plan is not JSON: " + e.getMessage(), e);
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw new IllegalArgumentException(
          "stored plan has format " + root.path("format") + ", expected " + FORMAT);
    }
    List<PinnedFile> files = new ArrayList<>();
    for (JsonNode f : root.path("files")) {
      files.add(
          new PinnedFile(
              f.path("path").asText(),
              f.path("size").asLong(),
              f.path("mtime").asLong(),
              f.path("rows").asLong()));
    }
    List<Chunk> chunks = new ArrayList<>();
    for (JsonNode c : root.path("chunks")) {
      List<PlannedTask> tasks = new ArrayList<>();
      for (JsonNode t : c.path("tasks")) {
        List<FileSplit> splits = new ArrayList<>();
        for (JsonNode s : t.path("splits")) {
          splits.add(
              new FileSplit(
                  s.path("path").asText(),
                  s.path("start").asLong(),
                  s.path("length").asLong(),
                  s.path("rows").asLong(),
                  s.path("size").asLong(),
                  s.path("cost").asLong()));
        }
        tasks.add(new PlannedTask(t.path("index").asInt(), splits));
      }
      chunks.add(new Chunk(c.path("index").asInt(), tasks));
    }
    return new StoredPlan(
        new InputFingerprint(root.path("version").asLong(), files),
        new InferencePlan(chunks, root.path("rows-per-task").asLong()));
  }
}
