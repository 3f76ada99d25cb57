package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds a {@link JobSpec} in code. {@link #build()} validates exactly as {@link JobSpecParser}
 * does a YAML file — it builds the same tree and passes it through the same checks — so its errors
 * name the same field paths ({@code execution.batch-size: must be ...}) and what is not set gets
 * the {@link SpecDefaults}. {@link JobSpecYaml#write} turns the result into a spec file.
 *
 * <pre>{@code
 * JobSpec spec = JobSpec.builder("eta-scoring")
 *     .modelPath("models/eta.onnx")
 *     .modelInput("features", new InputBinding.ColumnList(List.of("f0", "f1", "f2")))
 *     .modelOutput("score", "eta_minutes")
 *     .input(TableFormat.DELTA, "data/orders").carry("order_id")
 *     .output("out/eta_scores")
 *     .batchSize(1024)
 *     .master("local[2]")
 *     .build();
 * }</pre>
 */
public final class JobSpecBuilder {
  private final ObjectNode root = JsonNodeFactory.instance.objectNode();

  JobSpecBuilder(String name) {
    root.put("name", requireNonNull(name, "name is null"));
  }

  private ObjectNode section(String key) {
    return root.has(key) ? (ObjectNode) root.get(key) : root.putObject(key);
  }

  private ObjectNode model() {
    return section("model");
  }

  /** {@code model.path}: the ONNX file (local path or Hadoop-filesystem URI). */
  public JobSpecBuilder modelPath(String path) {
    model().put("path", requireNonNull(path, "path is null"));
    return this;
  }

  /** {@code model.ref}: a registered model, {@code name@version} or {@code name@latest}. */
  public JobSpecBuilder modelRef(String ref) {
    model().put("ref", requireNonNull(ref, "ref is null"));
    return this;
  }

  /** {@code model.inputs.<input>}: where a model input's tensor comes from, in spec order. */
  public JobSpecBuilder modelInput(String input, InputBinding binding) {
    ObjectNode inputs =
        model().has("inputs") ? (ObjectNode) model().get("inputs") : model().putObject("inputs");
    inputs.set(
        requireNonNull(input, "input is null"),
        JobSpecYaml.binding(requireNonNull(binding, "binding is null")));
    return this;
  }

  /**
   * {@code model.outputs.<output>}: the column a model output goes to (none = every output, own
   * name).
   */
  public JobSpecBuilder modelOutput(String output, String column) {
    ObjectNode outputs =
        model().has("outputs") ? (ObjectNode) model().get("outputs") : model().putObject("outputs");
    outputs.put(requireNonNull(output, "output is null"), requireNonNull(column, "column is null"));
    return this;
  }

  /** {@code input.format} and {@code input.path}. */
  public JobSpecBuilder input(TableFormat format, String path) {
    section("input")
        .put("format", format.specName())
        .put("path", requireNonNull(path, "path is null"));
    return this;
  }

  /**
   * {@code input.version}: the Delta version to pin (default: the latest when the run is planned).
   */
  public JobSpecBuilder inputVersion(long version) {
    section("input").put("version", version);
    return this;
  }

  /** {@code input.filter}: a Spark SQL predicate applied before inference. */
  public JobSpecBuilder filter(String predicate) {
    section("input").put("filter", requireNonNull(predicate, "predicate is null"));
    return this;
  }

  /** {@code input.carry}: columns copied unchanged to the output. */
  public JobSpecBuilder carry(String... columns) {
    section("input").set("carry", JobSpecYaml.strings(List.of(columns)));
    return this;
  }

  /** {@code output.path}. */
  public JobSpecBuilder output(String path) {
    section("output").put("path", requireNonNull(path, "path is null"));
    return this;
  }

  /** {@code output.mode} (default append). */
  public JobSpecBuilder mode(WriteMode mode) {
    section("output").put("mode", mode.specName());
    return this;
  }

  /**
   * {@code output.dead-letter} (default: the output path + {@value
   * SpecDefaults#DEAD_LETTER_SUFFIX}).
   */
  public JobSpecBuilder deadLetter(String path) {
    section("output").put("dead-letter", requireNonNull(path, "path is null"));
    return this;
  }

  /** {@code execution.batch-size}: rows per model call. */
  public JobSpecBuilder batchSize(int rows) {
    section("execution").put("batch-size", rows);
    return this;
  }

  /** {@code execution.batch-size: auto}: probed on an executor before the run. */
  public JobSpecBuilder autoBatchSize() {
    section("execution").put("batch-size", "auto");
    return this;
  }

  /** {@code execution.rows-per-task}. */
  public JobSpecBuilder rowsPerTask(long rows) {
    section("execution").put("rows-per-task", rows);
    return this;
  }

  /** {@code execution.rows-per-chunk}. */
  public JobSpecBuilder rowsPerChunk(long rows) {
    section("execution").put("rows-per-chunk", rows);
    return this;
  }

  /** {@code execution.max-bad-row-fraction}. */
  public JobSpecBuilder maxBadRowFraction(double fraction) {
    section("execution").put("max-bad-row-fraction", fraction);
    return this;
  }

  /** {@code execution.retries}: task attempts, extra chunk attempts, extra attempts of the run. */
  public JobSpecBuilder retries(int task, int chunk, int job) {
    section("execution").putObject("retries").put("task", task).put("chunk", chunk).put("job", job);
    return this;
  }

  /** {@code execution.speculation: true}. */
  public JobSpecBuilder speculation() {
    section("execution").put("speculation", true);
    return this;
  }

  /** {@code resources.master}. */
  public JobSpecBuilder master(String master) {
    section("resources").put("master", requireNonNull(master, "master is null"));
    return this;
  }

  /** {@code resources.executors}. */
  public JobSpecBuilder executors(int executors) {
    section("resources").put("executors", executors);
    return this;
  }

  /** {@code resources.executor-cores}. */
  public JobSpecBuilder executorCores(int cores) {
    section("resources").put("executor-cores", cores);
    return this;
  }

  /** {@code resources.executor-memory}, e.g. {@code 4g}. */
  public JobSpecBuilder executorMemory(String memory) {
    section("resources").put("executor-memory", requireNonNull(memory, "memory is null"));
    return this;
  }

  /** {@code resources.gpus-per-executor}. */
  public JobSpecBuilder gpusPerExecutor(int gpus) {
    section("resources").put("gpus-per-executor", gpus);
    return this;
  }

  /** {@code resources.execution-mode}: how a job server runs it. */
  public JobSpecBuilder executionMode(ExecutionMode mode) {
    section("resources").put("execution-mode", requireNonNull(mode, "mode is null").spelling());
    return this;
  }

  /** {@code priority}: the job's class on a job server's queue. */
  public JobSpecBuilder priority(Priority priority) {
    return priority(JobPriority.of(requireNonNull(priority, "priority is null")));
  }

  /** {@code priority}: the job's class and its value within the class on a job server's queue. */
  public JobSpecBuilder priority(JobPriority priority) {
    root.put("priority", requireNonNull(priority, "priority is null").spelling());
    return this;
  }

  /**
   * {@code depends-on}: jobs (ids or idempotency keys) that must succeed before this one starts.
   */
  public JobSpecBuilder dependsOn(String... upstream) {
    var list = root.putArray("depends-on");
    for (String ref : upstream) {
      list.add(requireNonNull(ref, "upstream job is null"));
    }
    return this;
  }

  /**
   * The validated spec.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException naming the field path, as the parser does
   */
  public JobSpec build() {
    return JobSpecParser.fromTree(root.deepCopy());
  }
}
