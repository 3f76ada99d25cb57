package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunStart;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ModelBinding;
import io.lakebatch.catalog.model.ModelBindingResolver;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ModelSpec;
import io.lakebatch.catalog.spec.RunIdentity;
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.catalog.spec.TablePaths;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.planner.ChunkPlanner;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InferencePlan;
import io.lakebatch.planner.InputFingerprint;
import io.lakebatch.planner.PinnedFile;
import io.lakebatch.planner.PlanningOptions;
import io.lakebatch.planner.RowCost;
import io.lakebatch.planner.StoredPlan;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.BatchSizeProbe;
import io.lakebatch.udf.InferenceConfig;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.ModelHandle;
import io.lakebatch.udf.OrtSessionCache;
import io.lakebatch.udf.OrtSignatureReader;
import io.lakebatch.udf.SessionLease;
import io.lakebatch.udf.SparkTypeMapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Prepares a run on the driver, before any executor work on its chunks: resolves the model in the
 * registry, checks the paths, derives the run's identity, finds the job's unfinished run (and opens
 * its input as pinned, with its stored plan) or pins the input and plans anew, binds the model to
 * the input's columns, scores a preflight batch on the driver and, for {@code batch-size: auto},
 * probes the batch size. It registers nothing; the resume note, the preflight line and the
 * batch-size choice are {@link RunEvent.RunNote}s.
 */
final class RunPreparer {
  /**
   * Rows the driver scores before any Spark task runs (see {@link #preflight}): enough to prove the
   * model runs.
   */
  static final int PREFLIGHT_ROWS = 16;

  private final SparkSession spark;
  private final Catalog catalog;
  private final RunEvents events;

  RunPreparer(SparkSession spark, Catalog catalog, RunEvents events) {
    this.spark = requireNonNull(spark, "spark is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.events = requireNonNull(events, "events is null");
  }

  /**
   * Checks the spec against the registry, the input and the model and plans the run; runs no Spark
   * job on data. A {@code model.ref} is resolved to its registered file, whose sha256 must still be
   * the registered one.
   *
   * <p>With {@link RunStart#RESUME_UNFINISHED}, when the job (same name, output, model, mapping —
   * see {@link RunIdentity}) has an unfinished run, that run is resumed: its input is opened as the
   * run pinned it (Delta version and files) and its plan is the one stored at its first attempt. If
   * the pinned input can no longer be read as it was, this fails naming the version or file; it
   * never re-plans silently. Otherwise the input is pinned now, at {@code input.version} or its
   * latest.
   */
  PreparedRun prepare(JobSpec spec, RunStart start) {
    Optional<ModelVersion> registered =
        spec.model().ref().map(ref -> catalog.models().resolve(ref));
    if (registered.isPresent()) {
      spec = withModel(spec, spec.model().resolvedTo(registered.get().uri()));
    }
    String modelFile = spec.model().file();
    byte[] modelBytes = ModelFiles.read(modelFile, spark.sparkContext().hadoopConfiguration());
    String sha256 = ModelFiles.sha256(modelBytes);
    if (registered.isPresent() && !registered.get().sha256().equals(sha256)) {
      throw LakeBatchErrors.modelChanged(
          registered.get().label(), modelFile, registered.get().sha256(), sha256);
    }
    if (registered.isEmpty()) {
      registered = catalog.models().findBySha256(sha256);
    }
    TablePaths paths = SparkTablePaths.check(spark, spec, catalog.runs()::knowsTable);
    spec = paths.appliedTo(spec);
    RunIdentity identity = RunIdentity.of(spec, paths, sha256);
    Optional<PinnedInputs.PinnedInput> unfinished =
        start == RunStart.RESUME_UNFINISHED
            ? catalog.pinnedInputs().unfinishedRun(identity.jobKey())
            : Optional.empty();
    List<RunEvent.RunNote> notes = new ArrayList<>();
    String unfinishedId = unfinished.map(PinnedInputs.PinnedInput::runId).orElse("");
    SparkInputTable input;
    StoredPlan stored;
    if (unfinished.isPresent()) {
      stored = StoredPlan.fromJson(unfinished.get().planJson());
      SparkInputTable.Pinned pinned =
          SparkInputTable.openPinned(spark, spec.input(), stored.input(), unfinished.get().runId());
      input = pinned.input();
      notes.add(
          new RunEvent.RunNote(
              unfinishedId,
              RunEvent.NoteKind.RESUME,
              resumeNote(unfinished.get().runId(), spec, stored.input().version())));
      if (!pinned.unpinnedFiles().isEmpty()) {
        notes.add(
            new RunEvent.RunNote(
                unfinishedId,
                RunEvent.NoteKind.INPUT_WARNING,
                "warning: "
                    + pinned.unpinnedFiles().size()
                    + " input file(s) appeared after run "
                    + unfinished.get().runId()
                    + " pinned its input and are not part of it: "
                    + pinned.unpinnedFiles()
                    + "; they are scored by the next run (or start over with --new-run)"));
      }
    } else {
      input = SparkInputTable.open(spark, spec.input());
      stored = null;
    }
    input.checkFilter();
    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    ModelHandle handle = new ModelHandle(modelFile, sha256, threads);
    try (SessionLease lease =
        OrtSessionCache.shared().acquire(handle, modelBytes)) { // the preflight reuses it
      var session = lease.session();
      ModelSignature signature = OrtSignatureReader.read(session);
      ModelBinding binding =
          ModelBindingResolver.resolve(
              spec,
              SparkTypeMapping.columns(input.schema()),
              signature,
              OrtSignatureReader.metadata(session));
      boolean auto = spec.execution().batchSize().isAuto();
      int batchSize =
          auto ? SpecDefaults.BATCH_SIZE : spec.execution().batchSize().rows().getAsInt();
      if (stored == null) {
        stored = planNew(spec, input, binding, identity);
      }
      RunKey key = new RunKey(identity.runKey(stored.input().version(), stored.input().sha256()));
      if (unfinished.isPresent() && !key.runId(spec.name()).equals(unfinished.get().runId())) {
        throw LakeBatchErrors.internal(
            "run "
                + unfinished.get().runId()
                + " was found for this job but its pinned"
                + " input gives run "
                + key.runId(spec.name()),
            null);
      }
      InferencePlan plan = stored.plan();
      Set<String> columns = new LinkedHashSet<>(spec.input().carry());
      columns.addAll(binding.featureColumns());
      var readSchema = input.rowSchema(List.copyOf(columns));
      InferenceConfig config =
          new InferenceConfig(handle, binding, readSchema, spec.input().carry(), batchSize);
      notes.forEach(events::emit);
      String runId = key.runId(spec.name());
      preflight(runId, input, config, plan);
      Optional<String> choice = Optional.empty();
      if (auto && !plan.chunks().isEmpty()) {
        BatchSizeProbe.Choice probed = probeBatchSize(input, config, plan);
        events.emit(new RunEvent.RunNote(runId, RunEvent.NoteKind.BATCH_SIZE, probed.describe()));
        config = config.withBatchSize(probed.batchSize());
        choice = Optional.of(probed.describe());
      }
      return new PreparedRun(spec, identity, input, stored, config, key, registered, choice);
    }
  }

  /**
   * Plans a new run from the input as opened now. If a run with the same pin exists (a rerun of a
   * finished run on an unchanged input), its stored plan is used instead, so chunk ids keep their
   * meaning even if planning would come out differently on this cluster.
   */
  private StoredPlan planNew(
      JobSpec spec, SparkInputTable input, ModelBinding binding, RunIdentity identity) {
    InputFingerprint fingerprint = input.fingerprint();
    String runId =
        new RunKey(identity.runKey(fingerprint.version(), fingerprint.sha256())).runId(spec.name());
    Optional<PinnedInputs.PinnedInput> existing = catalog.pinnedInputs().find(runId);
    if (existing.isPresent()) {
      return StoredPlan.fromJson(existing.get().planJson());
    }
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    List<String> costColumns =
        PreparedRun.costColumns(binding).stream()
            .map(c -> input.schema().fields()[input.schema().fieldIndex(c)].name())
            .toList();
    // An input smaller than one chunk is cut as finely as a full chunk would be (pieces of 1/256 of
    // it), so even a small run of a heavy model keeps every core busy. Depends on the pinned input
    // only, never on the cluster, like every planning input.
    long inputRows = fingerprint.files().stream().mapToLong(PinnedFile::rows).sum();
    long rowsPerChunk = Math.max(1, Math.min(spec.execution().rowsPerChunk(), inputRows));
    PlanningOptions options =
        new PlanningOptions(
            rowsPerChunk,
            spec.execution().rowsPerTask(),
            cores,
            SpecDefaults.TASKS_PER_CORE,
            costColumns.isEmpty()
                ? RowCost.rowsOnly()
                : RowCost.byColumnBytes(costColumns, RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD));
    return new StoredPlan(
        fingerprint, ChunkPlanner.plan(fingerprint.inputFiles(), input.rowGroupSource(), options));
  }

  private String resumeNote(String runId, JobSpec spec, long pinnedVersion) {
    if (spec.input().format() != io.lakebatch.catalog.spec.TableFormat.DELTA) {
      return "resuming unfinished run "
          + runId
          + " on the input files it pinned (--new-run starts over)";
    }
    long latest =
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, spec.input().path())
            .update(false, ScalaInterop.none(), ScalaInterop.none())
            .version();
    return "resuming unfinished run "
        + runId
        + " at input version "
        + pinnedVersion
        + ", which it pinned"
        + (latest > pinnedVersion
            ? " (the input is at version " + latest + " now; --new-run starts over there)"
            : "");
  }

  /**
   * Scores a few real rows of the first split here on the driver, with the same code the executors
   * run, so a model that loads but cannot run on this input fails once, in seconds, before any
   * task.
   */
  private void preflight(
      String runId, SparkInputTable input, InferenceConfig config, InferencePlan plan) {
    if (plan.chunks().isEmpty()) {
      return;
    }
    FileSplit first = plan.chunks().get(0).tasks().get(0).splits().get(0);
    long start = System.nanoTime();
    List<InternalRow> sample;
    try {
      sample = input.sample(first, List.of(config.inputSchema().fieldNames()), PREFLIGHT_ROWS);
    } catch (RuntimeException e) {
      // An unreadable file fails its own chunk at run time; the model was still loaded and checked.
      events.emit(
          new RunEvent.RunNote(
              runId,
              RunEvent.NoteKind.PREFLIGHT,
              String.format(
                  "preflight: no sample rows (%s); model loaded and its signature checked only",
                  LakeBatchException.findIn(e)
                      .map(Throwable::getMessage)
                      .orElse(LakeBatchErrors.rootMessage(e)))));
      return;
    }
    int scored = 0;
    List<InternalRow> invalid = new ArrayList<>();
    try {
      var rows = BatchInferenceFunction.scoring(config, invalid::add).call(sample.iterator());
      while (rows.hasNext()) {
        rows.next();
        scored++;
      }
    } catch (RuntimeException e) {
      LakeBatchException known = LakeBatchException.findIn(e).orElse(null);
      if (known != null && known.category() != ErrorCategory.DATA) {
        throw e;
      }
      throw LakeBatchErrors.modelFailed(
          config.model().uri(),
          "the preflight batch of "
              + sample.size()
              + " real rows from "
              + first.path()
              + ", before any inference task ran",
          e);
    }
    events.emit(
        new RunEvent.RunNote(
            runId,
            RunEvent.NoteKind.PREFLIGHT,
            String.format(
                "preflight: %d sample rows from %s scored on the driver in %d ms (%d invalid)",
                scored, first.path(), (System.nanoTime() - start) / 1_000_000, invalid.size())));
  }

  /**
   * {@code batch-size: auto}: one Spark task reads the first planned task's rows and probes the
   * model on the executor, where it will run (a GPU executor probes its GPU).
   */
  private BatchSizeProbe.Choice probeBatchSize(
      SparkInputTable input, InferenceConfig config, InferencePlan plan) {
    spark.sparkContext().setJobDescription("lakebatch batch-size probe");
    try {
      List<BatchSizeProbe.Choice> choices =
          input
              .rows(
                  List.of(plan.chunks().get(0).tasks().get(0)),
                  List.of(config.inputSchema().fieldNames()))
              .mapPartitions(new BatchSizeProbe(config))
              .collect();
      return choices.get(0);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static JobSpec withModel(JobSpec spec, ModelSpec model) {
    return new JobSpec(
        spec.name(),
        model,
        spec.input(),
        spec.output(),
        spec.execution(),
        spec.resources(),
        spec.priority(),
        spec.dependsOn());
  }
}
