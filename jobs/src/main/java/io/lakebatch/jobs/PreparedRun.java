package io.lakebatch.jobs;

import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.RunIdentity;
import io.lakebatch.catalog.store.NewRun;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.planner.Chunk;
import io.lakebatch.planner.InferencePlan;
import io.lakebatch.planner.StoredPlan;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.InferenceConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A run checked and planned on the driver, before any executor work: pinned input, model loaded and
 * matched to the schema, chunks decided, run key derived.
 *
 * @param spec the spec with {@code model.ref} resolved to the registered file
 * @param identity what the run's output means (canonical, versioned)
 * @param stored the pinned input and the plan: stored at the run's first attempt, reused by resumes
 * @param registeredModel the registry entry of the model (named by {@code model.ref}, or found by
 *     sha256)
 * @param batchSizeChoice how {@code batch-size: auto} was decided (the probe's line); empty for a
 *     fixed size
 */
public record PreparedRun(
    JobSpec spec,
    RunIdentity identity,
    SparkInputTable input,
    StoredPlan stored,
    InferenceConfig inference,
    RunKey key,
    Optional<ModelVersion> registeredModel,
    Optional<String> batchSizeChoice) {

  public String runId() {
    return key.runId(spec.name());
  }

  public InferencePlan plan() {
    return stored.plan();
  }

  /**
   * The canonical identity encoding of the run (the job's identity fields and its pinned input),
   * hashed into {@link #specHash()}.
   */
  public String specText() {
    return identity.canonicalRun(stored.input().version(), stored.input().sha256());
  }

  public String specHash() {
    return RunIdentity.sha256(specText());
  }

  /** What the catalog keeps so that a rerun resumes this run exactly as planned. */
  public PinnedInputs.PinnedInput pinnedInput(long outputBaseVersion) {
    return new PinnedInputs.PinnedInput(
        runId(),
        identity.jobKey(),
        stored.input().version(),
        stored.input().sha256(),
        stored.toJson(),
        outputBaseVersion);
  }

  /** {@code name@version} of a registered model, else its file. */
  public String modelLabel() {
    return registeredModel.map(ModelVersion::label).orElse(spec.model().file());
  }

  /** What the run store records about this run. */
  public NewRun newRun() {
    return new NewRun(
        runId(),
        spec.name(),
        key.value(),
        specHash(),
        specText(),
        spec.model().file(),
        registeredModel.map(ModelVersion::name),
        registeredModel.map(ModelVersion::version),
        inference.model().sha256(),
        spec.input().path(),
        input.version(),
        spec.output().path(),
        spec.output().deadLetterPath(),
        inference.batchSize(),
        plan().chunks().stream().map(Chunk::rows).toList());
  }

  /**
   * Whether chunks are read as the reader's columnar batches and copied column by column into the
   * model's tensors (no filter, numeric inputs of the tensors' own types), rather than row by row.
   */
  public boolean columnar() {
    List<String> columns = List.of(inference.inputSchema().fieldNames());
    return BatchInferenceFunction.supportsColumnar(inference) && input.canReadBatches(columns);
  }

  /** Columns whose size estimates a row's cost (text inputs); empty = every row costs the same. */
  public java.util.List<String> costColumns() {
    return costColumns(inference.binding());
  }

  static java.util.List<String> costColumns(io.lakebatch.catalog.model.ModelBinding binding) {
    return binding.feeds().stream()
        .filter(f -> f.isPadded() && !f.padding().isMask()) // text or variable-length arrays
        .map(f -> f.columns().get(0))
        .distinct()
        .toList();
  }

  /** The plan as {@code lakebatch plan} prints it. */
  public String describe() {
    long[] taskRows = plan().taskRows();
    long min = taskRows.length == 0 ? 0 : taskRows[0];
    long median = taskRows.length == 0 ? 0 : taskRows[(taskRows.length - 1) / 2];
    long max = taskRows.length == 0 ? 0 : taskRows[taskRows.length - 1];
    StringBuilder out = new StringBuilder();
    out.append(String.format("run %s%n", runId()));
    out.append(
        String.format(
            "  input        %s %s%s, %d files, %,d rows%n",
            spec.input().format().specName(),
            spec.input().path(),
            input.version() >= 0 ? " @ version " + input.version() : "",
            plan().fileCount(),
            plan().totalRows()));
    out.append(
        String.format(
            "  model        %s%s (sha256 %s)%n",
            modelLabel(),
            registeredModel.isPresent() ? " = " + spec.model().file() : "",
            inference.model().sha256().substring(0, 16)));
    out.append(
        String.format(
            "  output       %s (%s), dead-letter %s%n",
            spec.output().path(), spec.output().mode().specName(), spec.output().deadLetterPath()));
    out.append(
        String.format(
            "  chunks       %d (target %,d rows each)%n",
            plan().chunks().size(), spec.execution().rowsPerChunk()));
    out.append(
        String.format(
            "  tasks        %d in all, %d splits (target %,d rows per task)%n",
            plan().taskCount(), plan().splitCount(), plan().rowsPerTask()));
    out.append(String.format("  rows/task    min %,d  median %,d  max %,d%n", min, median, max));
    out.append(
        String.format(
            "  est. skew    %.2f (max/median task rows), %.2f (max/median task cost%s)%n",
            plan().estimatedSkew(),
            plan().estimatedCostSkew(),
            costColumns().isEmpty()
                ? ": cost = rows"
                : ": cost from the bytes of " + costColumns()));
    out.append(
        String.format(
            "  batch size   %d%s, ORT threads per task %d%n",
            inference.batchSize(),
            batchSizeChoice.map(c -> " (" + c + ")").orElse(""),
            inference.model().intraOpThreads()));
    out.append(
        String.format(
            "  read path    %s%n",
            columnar()
                ? "columnar (Parquet batches copied column by column into the tensors"
                    + (input.readsBatchesPerTask(List.of(inference.inputSchema().fieldNames()))
                        ? "; files opened with one reader set-up per task)"
                        : ")")
                : "row by row"));
    for (Chunk chunk : plan().chunks()) {
      out.append(
          String.format(
              "  chunk %-4d %,12d rows  %3d tasks  rows/task %s%n",
              chunk.index(),
              chunk.rows(),
              chunk.tasks().size(),
              Arrays.toString(chunk.tasks().stream().mapToLong(t -> t.rows()).toArray())));
    }
    return out.toString();
  }
}
