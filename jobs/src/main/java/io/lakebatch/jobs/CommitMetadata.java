package io.lakebatch.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * What LakeBatch writes into a chunk commit's {@code userMetadata}: enough to say which run, spec,
 * model and input produced a table version even without the catalog.
 */
public record CommitMetadata(
    String runId,
    String runKey,
    int chunk,
    String specHash,
    String model,
    String modelSha256,
    long inputVersion,
    String splitsHash) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The metadata of chunk {@code chunk}'s commit; {@code -1}: an overwrite run's one commit of all
   * chunks.
   */
  static CommitMetadata of(PreparedRun run, int chunk) {
    return new CommitMetadata(
        run.runId(),
        run.key().value(),
        chunk,
        run.specHash(),
        run.modelLabel(),
        run.inference().model().sha256(),
        run.input().version(),
        chunk < 0 ? "" : run.plan().chunks().get(chunk).splitsHash());
  }

  String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode node = root.putObject("lakebatch");
    node.put("run", runId);
    node.put("key", runKey);
    node.put("chunk", chunk);
    node.put("spec_hash", specHash);
    node.put("model", model);
    node.put("model_sha256", modelSha256);
    node.put("input_version", inputVersion);
    node.put("splits_sha256", splitsHash);
    return root.toString();
  }

  /** The metadata of a commit LakeBatch made; empty for other commits. */
  static Optional<CommitMetadata> parse(String userMetadata) {
    if (userMetadata == null || userMetadata.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(userMetadata).path("lakebatch");
      if (!node.has("run")) {
        return Optional.empty();
      }
      return Optional.of(
          new CommitMetadata(
              node.path("run").asText(),
              node.path("key").asText(),
              node.path("chunk").asInt(-1),
              node.path("spec_hash").asText(""),
              node.path("model").asText(""),
              node.path("model_sha256").asText(""),
              node.path("input_version").asLong(-1),
              node.path("splits_sha256").asText("")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
