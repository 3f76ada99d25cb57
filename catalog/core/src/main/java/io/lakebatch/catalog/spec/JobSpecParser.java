package io.lakebatch.catalog.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.registry.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a job spec (YAML or JSON) into a {@link JobSpec}. Every error of a spec is
 * reported at once, each naming its field path and rule; unknown keys are errors. Checks that need
 * the input schema or the model live in {@link InputBindingResolver}.
 */
public final class JobSpecParser {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
  private static final Pattern LOCAL_MASTER =
      Pattern.compile("local(\\[.+\\])?|local-cluster\\[.+\\]");
  private static final int MAX_BATCH_SIZE = 1 << 20;
  private static final int MAX_DEPENDENCY_LENGTH = 200;
  // 32 references of 200 characters fit the catalog's depends_on column (8000)
  private static final int MAX_DEPENDENCIES = 32;
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
    return fromTree(root);
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
    SpecErrors errors = new SpecErrors();
    Optional<JobSpec> spec = fromTree(new SpecNode(root, "", errors));
    errors.check();
    return spec.orElseThrow();
  }

  /**
   * Every section is checked on its own, so the errors of all of them are reported; a section with
   * an error yields nothing, and the checks across sections run only between sections without.
   */
  private static Optional<JobSpec> fromTree(SpecNode root) {
    if (!root.onlyKeys(
        Set.of(
            "name",
            "model",
            "input",
            "output",
            "execution",
            "resources",
            "priority",
            "depends-on"))) {
      return Optional.empty();
    }
    SpecErrors errors = root.errors();
    Optional<String> name = name(root);
    Optional<ModelSpec> model = root.requiredChild("model").flatMap(JobSpecParser::model);
    Optional<InputSpec> input = root.requiredChild("input").flatMap(JobSpecParser::input);
    Optional<OutputSpec> output = root.requiredChild("output").flatMap(JobSpecParser::output);
    if (input.isPresent() && output.isPresent()) {
      String inputPath = normalize(input.get().path());
      if (normalize(output.get().path()).equals(inputPath)) {
        errors.add("output.path", "must differ from input.path (" + input.get().path() + ")");
      }
      if (normalize(output.get().deadLetterPath()).equals(inputPath)) {
        errors.add(
            "output.dead-letter", "must differ from input.path (" + input.get().path() + ")");
      }
    }
    Optional<ExecutionSpec> execution = execution(root.child("execution"));
    Optional<ResourceSpec> resources = resources(root.child("resources"));
    Optional<JobPriority> priority = priority(root);
    List<String> dependsOn = dependsOn(root);
    if (errors.count() > 0) {
      return Optional.empty();
    }
    return Optional.of(
        new JobSpec(
            name.orElseThrow(),
            model.orElseThrow(),
            input.orElseThrow(),
            output.orElseThrow(),
            execution.orElseThrow(),
            resources.orElseThrow(),
            priority.orElseThrow(),
            dependsOn));
  }

  private static Optional<String> name(SpecNode root) {
    Optional<String> name = root.requiredString("name");
    if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
      root.errors()
          .add(
              "name",
              "must match [a-z0-9-]+ (lower-case letters, digits, '-'), got '" + name.get() + "'");
      return Optional.empty();
    }
    return name;
  }

  private static Optional<JobPriority> priority(SpecNode root) {
    Optional<SpecNode> node = root.child("priority");
    if (node.isEmpty()) {
      return Optional.of(JobPriority.DEFAULT);
    }
    SpecNode priority = node.get();
    if (priority.raw().isObject()) {
      if (!priority.onlyKeys(Set.of("class", "value"))) {
        return Optional.empty();
      }
      Optional<Priority> priorityClass =
          priority.child("class").flatMap(JobSpecParser::priorityClass);
      if (!priority.has("class")) {
        priority.report("needs class: high, normal or low");
      }
      int value = priority.intValue("value", 0, 0);
      if (value > JobPriority.MAX_VALUE) {
        priority
            .child("value")
            .ifPresent(
                v -> v.report("must be at most " + JobPriority.MAX_VALUE + ", got " + value));
        return Optional.empty();
      }
      return priorityClass.map(c -> new JobPriority(c, value));
    }
    Optional<String> text = priority.asString();
    Optional<JobPriority> parsed = text.flatMap(JobPriority::parse);
    if (text.isPresent() && parsed.isEmpty()) {
      priority.report(
          "must be high, normal or low, optionally with a value 0 to "
              + JobPriority.MAX_VALUE
              + " within the class (high:50), got '"
              + text.get()
              + "'");
    }
    return parsed;
  }

  private static Optional<Priority> priorityClass(SpecNode node) {
    Optional<String> text = node.asString();
    Optional<Priority> parsed = text.flatMap(Priority::parse);
    if (text.isPresent() && parsed.isEmpty()) {
      node.report("must be high, normal or low, got '" + text.get() + "'");
    }
    return parsed;
  }

  private static List<String> dependsOn(SpecNode root) {
    List<String> upstream = root.stringList("depends-on");
    if (upstream.size() > MAX_DEPENDENCIES) {
      root.errors()
          .add(
              "depends-on",
              "names "
                  + upstream.size()
                  + " jobs; at most "
                  + MAX_DEPENDENCIES
                  + " (join them through one upstream job)");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < upstream.size(); i++) {
      String ref = upstream.get(i);
      String field = "depends-on[" + i + "]";
      if (ref.isBlank() || ref.length() > MAX_DEPENDENCY_LENGTH) {
        root.errors()
            .add(
                field,
                "must be a job id or an idempotency key of 1 to "
                    + MAX_DEPENDENCY_LENGTH
                    + " characters");
      } else if (!seen.add(ref)) {
        root.errors().add(field, "names '" + ref + "' twice");
      }
    }
    return upstream;
  }

  private static String normalize(String path) {
    return path.replaceAll("/+$", "");
  }

  private static Optional<ModelSpec> model(SpecNode node) {
    if (!node.onlyKeys(Set.of("path", "ref", "inputs", "outputs"))) {
      return Optional.empty();
    }
    SpecErrors errors = node.errors();
    int mark = errors.count();
    if (node.has("ref") == node.has("path")) {
      node.report("give exactly one of model.path (an ONNX file) or model.ref (name@version)");
    }
    Optional<String> path = node.string("path");
    Optional<ModelRef> ref = node.string("ref").flatMap(text -> modelRef(text, errors));
    Map<String, InputBinding> inputs = new LinkedHashMap<>();
    Optional<SpecNode> inputsNode = node.requiredChild("inputs");
    if (inputsNode.isPresent() && inputsNode.get().isMapping()) {
      List<Map.Entry<String, SpecNode>> entries = inputsNode.get().entries();
      for (Map.Entry<String, SpecNode> e : entries) {
        binding(e.getValue()).ifPresent(b -> inputs.put(e.getKey(), b));
      }
      if (entries.isEmpty()) {
        inputsNode.get().report("must name at least one model input");
      }
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    Optional<SpecNode> outputsNode = node.child("outputs");
    if (outputsNode.isPresent() && outputsNode.get().isMapping()) {
      for (Map.Entry<String, SpecNode> e : outputsNode.get().entries()) {
        Optional<String> column = e.getValue().asString();
        if (column.isPresent() && outputs.containsValue(column.get())) {
          e.getValue().report("output column '" + column.get() + "' is used twice");
        } else {
          column.ifPresent(c -> outputs.put(e.getKey(), c));
        }
      }
    }
    return errors.ifNoneSince(mark, () -> new ModelSpec(path, ref, inputs, outputs));
  }

  private static Optional<ModelRef> modelRef(String text, SpecErrors errors) {
    try {
      return Optional.of(ModelRef.parse(text, "model.ref"));
    } catch (LakeBatchException e) {
      errors.add(e);
      return Optional.empty();
    }
  }

  private static Optional<InputBinding> binding(SpecNode node) {
    SpecErrors errors = node.errors();
    int mark = errors.count();
    if (node.raw().isArray()) {
      Optional<List<String>> columns = node.asStringList();
      if (columns.isPresent() && columns.get().isEmpty()) {
        node.report("must list at least one column");
      } else if (columns.isPresent() && Set.copyOf(columns.get()).size() != columns.get().size()) {
        node.report("lists a column twice: " + columns.get());
      }
      return errors.ifNoneSince(mark, () -> new InputBinding.ColumnList(columns.orElseThrow()));
    }
    if (node.raw().isObject() && node.has("text")) {
      node.onlyKeys(Set.of("text", "max-tokens"));
      OptionalInt maxTokens =
          node.child("max-tokens").map(n -> n.asInt(1)).orElse(OptionalInt.empty());
      Optional<String> text = node.requiredString("text");
      return errors.ifNoneSince(
          mark, () -> new InputBinding.TextColumn(text.orElseThrow(), maxTokens));
    }
    if (node.raw().isObject() && node.has("mask-of")) {
      node.onlyKeys(Set.of("mask-of"));
      Optional<String> input = node.requiredString("mask-of");
      return errors.ifNoneSince(mark, () -> new InputBinding.TokenMask(input.orElseThrow()));
    }
    if (node.raw().isObject()) {
      node.onlyKeys(Set.of("column", "shape"));
      Optional<String> column = node.requiredString("column");
      List<Long> shape = new ArrayList<>();
      Optional<SpecNode> shapeNode = node.child("shape");
      if (shapeNode.isPresent()) {
        if (!shapeNode.get().raw().isArray() || shapeNode.get().raw().isEmpty()) {
          shapeNode.get().report("must be a non-empty list of positive whole numbers");
        } else {
          for (int i = 0; i < shapeNode.get().raw().size(); i++) {
            shapeNode.get().element(i).asLong(1).ifPresent(shape::add);
          }
        }
      }
      return errors.ifNoneSince(
          mark, () -> new InputBinding.ArrayColumn(column.orElseThrow(), shape));
    }
    node.report(
        "must be a list of columns, {column: NAME, shape: [...]}, {text: COLUMN} or {mask-of: INPUT}, got "
            + SpecNode.describe(node.raw()));
    return Optional.empty();
  }

  private static Optional<InputSpec> input(SpecNode node) {
    if (!node.onlyKeys(Set.of("format", "path", "version", "filter", "carry"))) {
      return Optional.empty();
    }
    SpecErrors errors = node.errors();
    int mark = errors.count();
    Optional<TableFormat> format =
        enumValue(node, "format", TableFormat.class, SpecDefaults.INPUT_FORMAT);
    Optional<String> path = node.requiredString("path");
    OptionalLong version = node.longValue("version", 0);
    if (version.isPresent() && format.isPresent() && format.get() != TableFormat.DELTA) {
      errors.add(
          "input.version", "only Delta inputs have versions; remove it or use format: delta");
    }
    Optional<String> filter = node.string("filter");
    List<String> carry = node.stringList("carry");
    if (Set.copyOf(carry).size() != carry.size()) {
      errors.add("input.carry", "lists a column twice: " + carry);
    }
    return errors.ifNoneSince(
        mark,
        () -> new InputSpec(format.orElseThrow(), path.orElseThrow(), version, filter, carry));
  }

  private static Optional<OutputSpec> output(SpecNode node) {
    if (!node.onlyKeys(Set.of("path", "mode", "dead-letter"))) {
      return Optional.empty();
    }
    SpecErrors errors = node.errors();
    int mark = errors.count();
    Optional<String> path = node.requiredString("path");
    Optional<WriteMode> mode = enumValue(node, "mode", WriteMode.class, SpecDefaults.OUTPUT_MODE);
    Optional<String> deadLetter =
        node.has("dead-letter")
            ? node.string("dead-letter")
            : path.map(p -> normalize(p) + SpecDefaults.DEAD_LETTER_SUFFIX);
    if (path.isPresent()
        && deadLetter.isPresent()
        && normalize(deadLetter.get()).equals(normalize(path.get()))) {
      errors.add("output.dead-letter", "must differ from output.path");
    }
    return errors.ifNoneSince(
        mark,
        () -> new OutputSpec(path.orElseThrow(), mode.orElseThrow(), deadLetter.orElseThrow()));
  }

  private static Optional<ExecutionSpec> execution(Optional<SpecNode> maybe) {
    if (maybe.isEmpty()) {
      return Optional.of(
          new ExecutionSpec(
              BatchSize.fixed(SpecDefaults.BATCH_SIZE),
              OptionalLong.empty(),
              SpecDefaults.ROWS_PER_CHUNK,
              SpecDefaults.MAX_BAD_ROW_FRACTION,
              defaultRetries(),
              SpecDefaults.SPECULATION));
    }
    SpecNode node = maybe.get();
    if (!node.onlyKeys(
        Set.of(
            "batch-size",
            "rows-per-task",
            "rows-per-chunk",
            "max-bad-row-fraction",
            "retries",
            "speculation"))) {
      return Optional.empty();
    }
    SpecErrors errors = node.errors();
    int mark = errors.count();
    Optional<BatchSize> batchSize =
        node.child("batch-size")
            .map(JobSpecParser::batchSize)
            .orElse(Optional.of(BatchSize.fixed(SpecDefaults.BATCH_SIZE)));
    RetrySpec retries = node.child("retries").map(JobSpecParser::retries).orElse(defaultRetries());
    OptionalLong rowsPerTask = node.longValue("rows-per-task", 1);
    long rowsPerChunk = node.longValue("rows-per-chunk", 1).orElse(SpecDefaults.ROWS_PER_CHUNK);
    double maxBadRowFraction =
        node.doubleValue("max-bad-row-fraction", 0.0, 1.0, SpecDefaults.MAX_BAD_ROW_FRACTION);
    boolean speculation = node.booleanValue("speculation", SpecDefaults.SPECULATION);
    return errors.ifNoneSince(
        mark,
        () ->
            new ExecutionSpec(
                batchSize.orElseThrow(),
                rowsPerTask,
                rowsPerChunk,
                maxBadRowFraction,
                retries,
                speculation));
  }

  private static Optional<BatchSize> batchSize(SpecNode node) {
    if (node.raw().isTextual() && node.raw().asText().equals("auto")) {
      return Optional.of(BatchSize.auto());
    }
    if (!node.raw().isNumber()) {
      node.report(
          "must be a positive whole number or 'auto', got " + SpecNode.describe(node.raw()));
      return Optional.empty();
    }
    OptionalLong rows = node.asLong(1);
    if (rows.isPresent() && rows.getAsLong() > MAX_BATCH_SIZE) {
      node.report("must be at most " + MAX_BATCH_SIZE + ", got " + rows.getAsLong());
      return Optional.empty();
    }
    return rows.isPresent()
        ? Optional.of(BatchSize.fixed((int) rows.getAsLong()))
        : Optional.empty();
  }

  /** The retry budgets; a reported value keeps its default, the section has an error anyway. */
  private static RetrySpec retries(SpecNode node) {
    if (!node.onlyKeys(Set.of("task", "chunk", "job"))) {
      return defaultRetries();
    }
    return new RetrySpec(
        node.intValue("task", 1, SpecDefaults.TASK_RETRIES),
        node.intValue("chunk", 0, SpecDefaults.CHUNK_RETRIES),
        node.intValue("job", 0, SpecDefaults.JOB_RETRIES));
  }

  private static RetrySpec defaultRetries() {
    return new RetrySpec(
        SpecDefaults.TASK_RETRIES, SpecDefaults.CHUNK_RETRIES, SpecDefaults.JOB_RETRIES);
  }

  private static Optional<ResourceSpec> resources(Optional<SpecNode> maybe) {
    if (maybe.isEmpty()) {
      return Optional.of(
          new ResourceSpec(
              SpecDefaults.MASTER,
              SpecDefaults.EXECUTORS,
              SpecDefaults.EXECUTOR_CORES,
              SpecDefaults.EXECUTOR_MEMORY,
              SpecDefaults.GPUS_PER_EXECUTOR));
    }
    SpecNode node = maybe.get();
    if (!node.onlyKeys(
        Set.of(
            "master",
            "executors",
            "executor-cores",
            "executor-memory",
            "gpus-per-executor",
            "execution-mode"))) {
      return Optional.empty();
    }
    SpecErrors errors = node.errors();
    int mark = errors.count();
    String master = node.string("master").orElse(SpecDefaults.MASTER);
    if (!(LOCAL_MASTER.matcher(master).matches()
        || master.startsWith("spark://")
        || master.startsWith("k8s://")
        || master.equals("yarn"))) {
      errors.add(
          "resources.master",
          "must be local[...], spark://host:port, k8s://... or yarn, got '" + master + "'");
    }
    String memory = node.string("executor-memory").orElse(SpecDefaults.EXECUTOR_MEMORY);
    if (!MEMORY.matcher(memory).matches()) {
      errors.add("resources.executor-memory", "must look like 512m or 8g, got '" + memory + "'");
    }
    int executors = node.intValue("executors", 1, SpecDefaults.EXECUTORS);
    int cores = node.intValue("executor-cores", 1, SpecDefaults.EXECUTOR_CORES);
    int gpus = node.intValue("gpus-per-executor", 0, SpecDefaults.GPUS_PER_EXECUTOR);
    Optional<ExecutionMode> mode = Optional.empty();
    Optional<String> modeText = node.string("execution-mode");
    if (modeText.isPresent()) {
      mode = ExecutionMode.parse(modeText.get());
      if (mode.isEmpty()) {
        errors.add(
            "resources.execution-mode", "must be shared or isolated, got '" + modeText.get() + "'");
      }
    }
    Optional<ExecutionMode> executionMode = mode;
    return errors.ifNoneSince(
        mark, () -> new ResourceSpec(master, executors, cores, memory, gpus, executionMode));
  }

  /** The enum {@code key} (any case); {@code defaultValue} when missing, empty when reported. */
  private static <E extends Enum<E>> Optional<E> enumValue(
      SpecNode parent, String key, Class<E> type, E defaultValue) {
    Optional<SpecNode> node = parent.child(key);
    if (node.isEmpty()) {
      return Optional.of(defaultValue);
    }
    Optional<String> value = node.get().asString();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.get())) {
        return Optional.of(e);
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(java.util.Locale.ROOT));
    }
    node.get().report("must be one of " + allowed + ", got '" + value.get() + "'");
    return Optional.empty();
  }
}
