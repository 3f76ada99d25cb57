package io.lakebatch.catalog.spec;

import static io.lakebatch.catalog.error.LakeBatchErrors.invalidSpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.registry.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a job spec (YAML or JSON) into a {@link JobSpec}. Every error names the
 * field path and the rule; unknown keys are errors. Checks that need the input schema or the model
 * live in {@link InputBindingResolver}.
 */
public final class JobSpecParser {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
  private static final Pattern LOCAL_MASTER =
      Pattern.compile("local(\\[.+\\])?|local-cluster\\[.+\\]");
  private static final int MAX_BATCH_SIZE = 1 << 20;
  private static final Pattern MEMORY = Pattern.compile("[0-9]+[kmgtKMGT]?");
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private JobSpecParser() {}

  /** Reads a spec file; {@code .json} files are parsed as JSON, everything else as YAML. */
  public static JobSpec parse(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw LakeBatchErrors.unreadableSpec(file.toString(), "file not found", e);
    } catch (IOException e) {
      throw LakeBatchErrors.unreadableSpec(file.toString(), e.getMessage(), e);
    }
    boolean json = file.getFileName().toString().endsWith(".json");
    return parse(text, file.toString(), json);
  }

  /** Parses spec text; {@code source} names it in error messages. */
  public static JobSpec parse(String text, String source, boolean json) {
    JsonNode root;
    try {
      root = (json ? JSON : YAML).readTree(text);
    } catch (JsonProcessingException e) {
      throw LakeBatchErrors.unreadableSpec(source, e.getOriginalMessage() + locationOf(e), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw LakeBatchErrors.unreadableSpec(source, "the file is empty", null);
    }
    return fromTree(new SpecNode(root, ""));
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  /**
   * Validates a spec tree (what YAML or JSON text parses to, or what {@link JobSpecBuilder}
   * builds).
   */
  static JobSpec fromTree(JsonNode root) {
    return fromTree(new SpecNode(root, ""));
  }

  private static JobSpec fromTree(SpecNode root) {
    root.onlyKeys(Set.of("name", "model", "input", "output", "execution", "resources", "priority"));
    String name = root.requiredString("name");
    if (!NAME.matcher(name).matches()) {
      throw invalidSpec(
          "name", "must match [a-z0-9-]+ (lower-case letters, digits, '-'), got '" + name + "'");
    }
    InputSpec input = input(root.requiredChild("input"));
    OutputSpec output = output(root.requiredChild("output"));
    if (normalize(output.path()).equals(normalize(input.path()))) {
      throw invalidSpec("output.path", "must differ from input.path (" + input.path() + ")");
    }
    if (normalize(output.deadLetterPath()).equals(normalize(input.path()))) {
      throw invalidSpec("output.dead-letter", "must differ from input.path (" + input.path() + ")");
    }
    return new JobSpec(
        name,
        model(root.requiredChild("model")),
        input,
        output,
        execution(root.object("execution")),
        resources(root.object("resources")),
        priority(root));
  }

  private static Priority priority(SpecNode root) {
    Optional<String> value = root.string("priority");
    if (value.isEmpty()) {
      return Priority.NORMAL;
    }
    return Priority.parse(value.get())
        .orElseThrow(
            () ->
                invalidSpec("priority", "must be high, normal or low, got '" + value.get() + "'"));
  }

  private static String normalize(String path) {
    return path.replaceAll("/+$", "");
  }

  private static ModelSpec model(SpecNode node) {
    node.onlyKeys(Set.of("path", "ref", "inputs", "outputs"));
    if (node.has("ref") == node.has("path")) {
      throw invalidSpec(
          "model", "give exactly one of model.path (an ONNX file) or model.ref (name@version)");
    }
    Optional<String> path =
        node.has("path") ? Optional.of(node.requiredString("path")) : Optional.empty();
    Optional<ModelRef> ref =
        node.has("ref")
            ? Optional.of(ModelRef.parse(node.requiredString("ref"), "model.ref"))
            : Optional.empty();
    SpecNode inputsNode = node.requiredChild("inputs");
    Map<String, InputBinding> inputs = new LinkedHashMap<>();
    for (Map.Entry<String, SpecNode> e : inputsNode.entries()) {
      inputs.put(e.getKey(), binding(e.getValue()));
    }
    if (inputs.isEmpty()) {
      throw invalidSpec("model.inputs", "must name at least one model input");
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    Optional<SpecNode> outputsNode = node.child("outputs");
    if (outputsNode.isPresent()) {
      for (Map.Entry<String, SpecNode> e : outputsNode.get().entries()) {
        String column = e.getValue().asString();
        if (outputs.containsValue(column)) {
          throw invalidSpec(e.getValue().path(), "output column '" + column + "' is used twice");
        }
        outputs.put(e.getKey(), column);
      }
    }
    return new ModelSpec(path, ref, inputs, outputs);
  }

  private static InputBinding binding(SpecNode node) {
    if (node.raw().isArray()) {
      List<String> columns = node.asStringList();
      if (columns.isEmpty()) {
        throw invalidSpec(node.path(), "must list at least one column");
      }
      if (Set.copyOf(columns).size() != columns.size()) {
        throw invalidSpec(node.path(), "lists a column twice: " + columns);
      }
      return new InputBinding.ColumnList(columns);
    }
    if (node.raw().isObject() && node.has("text")) {
      node.onlyKeys(Set.of("text", "max-tokens"));
      java.util.OptionalInt maxTokens =
          node.child("max-tokens")
              .map(n -> java.util.OptionalInt.of(Math.toIntExact(n.asLong(1))))
              .orElse(java.util.OptionalInt.empty());
      return new InputBinding.TextColumn(node.requiredString("text"), maxTokens);
    }
    if (node.raw().isObject() && node.has("mask-of")) {
      node.onlyKeys(Set.of("mask-of"));
      return new InputBinding.TokenMask(node.requiredString("mask-of"));
    }
    if (node.raw().isObject()) {
      node.onlyKeys(Set.of("column", "shape"));
      String column = node.requiredString("column");
      List<Long> shape = new ArrayList<>();
      Optional<SpecNode> shapeNode = node.child("shape");
      if (shapeNode.isPresent()) {
        if (!shapeNode.get().raw().isArray() || shapeNode.get().raw().isEmpty()) {
          throw invalidSpec(
              shapeNode.get().path(), "must be a non-empty list of positive whole numbers");
        }
        for (int i = 0; i < shapeNode.get().raw().size(); i++) {
          shape.add(
              new SpecNode(shapeNode.get().raw().get(i), shapeNode.get().path() + "[" + i + "]")
                  .asLong(1));
        }
      }
      return new InputBinding.ArrayColumn(column, shape);
    }
    throw invalidSpec(
        node.path(),
        "must be a list of columns, {column: NAME, shape: [...]}, {text: COLUMN} or {mask-of: INPUT}, got "
            + SpecNode.describe(node.raw()));
  }

  private static InputSpec input(SpecNode node) {
    node.onlyKeys(Set.of("format", "path", "version", "filter", "carry"));
    TableFormat format =
        node.string("format")
            .map(f -> enumValue("input.format", f, TableFormat.class))
            .orElse(SpecDefaults.INPUT_FORMAT);
    OptionalLong version = node.longValue("version", 0);
    if (version.isPresent() && format != TableFormat.DELTA) {
      throw invalidSpec(
          "input.version", "only Delta inputs have versions; remove it or use format: delta");
    }
    List<String> carry = node.stringList("carry");
    if (Set.copyOf(carry).size() != carry.size()) {
      throw invalidSpec("input.carry", "lists a column twice: " + carry);
    }
    return new InputSpec(
        format, node.requiredString("path"), version, node.string("filter"), carry);
  }

  private static OutputSpec output(SpecNode node) {
    node.onlyKeys(Set.of("path", "mode", "dead-letter"));
    String path = node.requiredString("path");
    WriteMode mode =
        node.string("mode")
            .map(m -> enumValue("output.mode", m, WriteMode.class))
            .orElse(SpecDefaults.OUTPUT_MODE);
    String deadLetter =
        node.string("dead-letter").orElse(normalize(path) + SpecDefaults.DEAD_LETTER_SUFFIX);
    if (normalize(deadLetter).equals(normalize(path))) {
      throw invalidSpec("output.dead-letter", "must differ from output.path");
    }
    return new OutputSpec(path, mode, deadLetter);
  }

  private static ExecutionSpec execution(Optional<SpecNode> maybe) {
    if (maybe.isEmpty()) {
      return new ExecutionSpec(
          BatchSize.fixed(SpecDefaults.BATCH_SIZE),
          OptionalLong.empty(),
          SpecDefaults.ROWS_PER_CHUNK,
          SpecDefaults.MAX_BAD_ROW_FRACTION,
          new RetrySpec(
              SpecDefaults.TASK_RETRIES, SpecDefaults.CHUNK_RETRIES, SpecDefaults.JOB_RETRIES),
          SpecDefaults.SPECULATION);
    }
    SpecNode node = maybe.get();
    node.onlyKeys(
        Set.of(
            "batch-size",
            "rows-per-task",
            "rows-per-chunk",
            "max-bad-row-fraction",
            "retries",
            "speculation"));
    BatchSize batchSize = BatchSize.fixed(SpecDefaults.BATCH_SIZE);
    Optional<SpecNode> batchNode = node.child("batch-size");
    if (batchNode.isPresent()) {
      if (batchNode.get().raw().isTextual() && batchNode.get().raw().asText().equals("auto")) {
        batchSize = BatchSize.auto();
      } else if (batchNode.get().raw().isNumber()) {
        long rows = batchNode.get().asLong(1);
        if (rows > MAX_BATCH_SIZE) {
          throw invalidSpec(
              "execution.batch-size", "must be at most " + MAX_BATCH_SIZE + ", got " + rows);
        }
        batchSize = BatchSize.fixed((int) rows);
      } else {
        throw invalidSpec(
            "execution.batch-size",
            "must be a positive whole number or 'auto', got "
                + SpecNode.describe(batchNode.get().raw()));
      }
    }
    RetrySpec retries =
        new RetrySpec(
            SpecDefaults.TASK_RETRIES, SpecDefaults.CHUNK_RETRIES, SpecDefaults.JOB_RETRIES);
    Optional<SpecNode> retryNode = node.object("retries");
    if (retryNode.isPresent()) {
      retryNode.get().onlyKeys(Set.of("task", "chunk", "job"));
      retries =
          new RetrySpec(
              retryNode.get().intValue("task", 1, SpecDefaults.TASK_RETRIES),
              retryNode.get().intValue("chunk", 0, SpecDefaults.CHUNK_RETRIES),
              retryNode.get().intValue("job", 0, SpecDefaults.JOB_RETRIES));
    }
    return new ExecutionSpec(
        batchSize,
        node.longValue("rows-per-task", 1),
        node.longValue("rows-per-chunk", 1).orElse(SpecDefaults.ROWS_PER_CHUNK),
        node.doubleValue("max-bad-row-fraction", 0.0, 1.0, SpecDefaults.MAX_BAD_ROW_FRACTION),
        retries,
        node.booleanValue("speculation", SpecDefaults.SPECULATION));
  }

  private static ResourceSpec resources(Optional<SpecNode> maybe) {
    if (maybe.isEmpty()) {
      return new ResourceSpec(
          SpecDefaults.MASTER,
          SpecDefaults.EXECUTORS,
          SpecDefaults.EXECUTOR_CORES,
          SpecDefaults.EXECUTOR_MEMORY,
          SpecDefaults.GPUS_PER_EXECUTOR);
    }
    SpecNode node = maybe.get();
    node.onlyKeys(
        Set.of("master", "executors", "executor-cores", "executor-memory", "gpus-per-executor"));
    String master = node.string("master").orElse(SpecDefaults.MASTER);
    if (!(LOCAL_MASTER.matcher(master).matches()
        || master.startsWith("spark://")
        || master.startsWith("k8s://")
        || master.equals("yarn"))) {
      throw invalidSpec(
          "resources.master",
          "must be local[...], spark://host:port, k8s://... or yarn, got '" + master + "'");
    }
    String memory = node.string("executor-memory").orElse(SpecDefaults.EXECUTOR_MEMORY);
    if (!MEMORY.matcher(memory).matches()) {
      throw invalidSpec(
          "resources.executor-memory", "must look like 512m or 8g, got '" + memory + "'");
    }
    return new ResourceSpec(
        master,
        node.intValue("executors", 1, SpecDefaults.EXECUTORS),
        node.intValue("executor-cores", 1, SpecDefaults.EXECUTOR_CORES),
        memory,
        node.intValue("gpus-per-executor", 0, SpecDefaults.GPUS_PER_EXECUTOR));
  }

  private static <E extends Enum<E>> E enumValue(String path, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(java.util.Locale.ROOT));
    }
    throw invalidSpec(path, "must be one of " + allowed + ", got '" + value + "'");
  }
}
