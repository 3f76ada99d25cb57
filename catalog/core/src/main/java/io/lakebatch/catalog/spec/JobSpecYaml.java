package io.lakebatch.catalog.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.List;

/**
 * A spec as canonical YAML text: every field written, defaults included, keys in the order of
 * SPEC.md; {@link JobSpecParser} reads it back to an equal {@link JobSpec}. For the CLI, which
 * writes specs to files the user can read and rerun (quickstart's {@code job.yaml}).
 */
public final class JobSpecYaml {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private JobSpecYaml() {}

  public static String write(JobSpec spec) {
    try {
      return YAML.writeValueAsString(tree(spec));
    } catch (JsonProcessingException e) {
      throw LakeBatchErrors.internal("cannot write spec " + spec.name() + " as YAML", e);
    }
  }

  static ObjectNode tree(JobSpec spec) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("name", spec.name());
    ObjectNode model = root.putObject("model");
    if (spec.model().ref().isPresent()) {
      model.put("ref", spec.model().ref().get().toString());
    } else {
      model.put("path", spec.model().file());
    }
    ObjectNode inputs = model.putObject("inputs");
    spec.model().inputs().forEach((name, binding) -> inputs.set(name, binding(binding)));
    if (!spec.model().outputs().isEmpty()) {
      ObjectNode outputs = model.putObject("outputs");
      spec.model().outputs().forEach(outputs::put);
    }
    ObjectNode input = root.putObject("input");
    input.put("format", spec.input().format().specName());
    input.put("path", spec.input().path());
    spec.input().version().ifPresent(v -> input.put("version", v));
    spec.input().filter().ifPresent(f -> input.put("filter", f));
    if (!spec.input().carry().isEmpty()) {
      input.set("carry", strings(spec.input().carry()));
    }
    ObjectNode output = root.putObject("output");
    output.put("path", spec.output().path());
    output.put("mode", spec.output().mode().specName());
    output.put("dead-letter", spec.output().deadLetterPath());
    ExecutionSpec execution = spec.execution();
    ObjectNode exec = root.putObject("execution");
    if (execution.batchSize().isAuto()) {
      exec.put("batch-size", "auto");
    } else {
      exec.put("batch-size", execution.batchSize().rows().getAsInt());
    }
    execution.rowsPerTask().ifPresent(rows -> exec.put("rows-per-task", rows));
    exec.put("rows-per-chunk", execution.rowsPerChunk());
    exec.put("max-bad-row-fraction", execution.maxBadRowFraction());
    ObjectNode retries = exec.putObject("retries");
    retries.put("task", execution.retries().task());
    retries.put("chunk", execution.retries().chunk());
    retries.put("job", execution.retries().job());
    exec.put("speculation", execution.speculation());
    if (!spec.priority().equals(JobPriority.DEFAULT)) {
      root.put("priority", spec.priority().spelling());
    }
    if (!spec.dependsOn().isEmpty()) {
      spec.dependsOn().forEach(root.putArray("depends-on")::add);
    }
    ResourceSpec resources = spec.resources();
    ObjectNode res = root.putObject("resources");
    res.put("master", resources.master());
    res.put("executors", resources.executors());
    res.put("executor-cores", resources.executorCores());
    res.put("executor-memory", resources.executorMemory());
    res.put("gpus-per-executor", resources.gpusPerExecutor());
    resources.executionMode().ifPresent(m -> res.put("execution-mode", m.spelling()));
    return root;
  }

  /** A model input's binding as the spec writes it. */
  static JsonNode binding(InputBinding binding) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (binding instanceof InputBinding.ColumnList list) {
      return strings(list.columns());
    }
    if (binding instanceof InputBinding.ArrayColumn array) {
      ObjectNode node = nodes.objectNode().put("column", array.column());
      if (!array.shape().isEmpty()) {
        ArrayNode shape = node.putArray("shape");
        array.shape().forEach(shape::add);
      }
      return node;
    }
    if (binding instanceof InputBinding.TextColumn text) {
      ObjectNode node = nodes.objectNode().put("text", text.column());
      text.maxTokens().ifPresent(max -> node.put("max-tokens", max));
      return node;
    }
    return nodes.objectNode().put("mask-of", ((InputBinding.TokenMask) binding).idsInput());
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
