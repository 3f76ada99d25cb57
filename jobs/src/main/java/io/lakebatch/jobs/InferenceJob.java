package io.lakebatch.jobs;

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
import io.lakebatch.catalog.spec.TablePaths;
import io.lakebatch.catalog.spec.WriteMode;
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.ChunkCommit;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.planner.Chunk;
import io.lakebatch.planner.ChunkPlanner;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InferencePlan;
import io.lakebatch.planner.InputFingerprint;
import io.lakebatch.planner.PinnedFile;
import io.lakebatch.planner.StoredPlan;
import io.lakebatch.planner.PlanningOptions;
import io.lakebatch.planner.RowCost;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.BatchSizeProbe;
import io.lakebatch.udf.FaultInjection;
import io.lakebatch.udf.InferenceConfig;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.ModelHandle;
import io.lakebatch.udf.OrtSessionCache;
import io.lakebatch.udf.OrtSignatureReader;
import io.lakebatch.udf.SessionLease;
import io.lakebatch.udf.SparkTypeMapping;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job spec chunk by chunk: plan on the driver, score each chunk in {@code mapPartitions},
 * commit it to Delta in one idempotent transaction, skip what an earlier attempt committed.
 *
 * <p>A chunk is scored once; its invalid rows are committed to the dead-letter table first and its
 * scored rows to the output second, each under the chunk's own transaction id. The output commit
 * therefore marks a chunk done; a crash between the two commits reruns the chunk, and Delta skips
 * the dead-letter write whose id is already recorded.
 */
public final class InferenceJob {
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  /** Rows the driver scores before any Spark task runs (see {@link #preflight}): enough to prove the model runs. */
  static final int PREFLIGHT_ROWS = 16;
  /** Spark conf that turns the columnar read path off ({@code false}), e.g. to compare the two. */
  public static final String COLUMNAR_CONF = "spark.lakebatch.read.columnar";
  /**
   * Spark conf: how long a driver may go without a heartbeat (database clock) before another driver
   * may take its run over; a Spark time string, default 60s.
   */
  public static final String LIVENESS_TIMEOUT_CONF = "spark.lakebatch.driver.liveness-timeout";

  private static final Logger LOG = LoggerFactory.getLogger(InferenceJob.class);

  private final SparkSession spark;
  private final PrintStream out;
  private final Catalog catalog;
  private final Path runFolders;
  private final RunOwner owner = RunOwner.current();

  /**
   * @param out where progress and the summary are printed (they also go to the run's driver log)
   * @param catalog model registry and run store
   * @param runFolders where each run's folder (its driver log) is created: {@code <home>/runs}
   */
  public InferenceJob(SparkSession spark, PrintStream out, Catalog catalog, Path runFolders) {
    this.spark = spark;
    this.out = out;
    this.catalog = catalog;
    this.runFolders = runFolders;
  }

  /** {@link #prepare(JobSpec, RunStart)} resuming the job's unfinished run, if it has one. */
  public PreparedRun prepare(JobSpec spec) {
    return prepare(spec, RunStart.RESUME_UNFINISHED);
  }

  /**
   * Checks the spec against the registry, the input and the model and plans the run; runs no Spark
   * job on data. A {@code model.ref} is resolved to its registered file, whose sha256 must still be
   * the registered one.
   *
   * <p>With {@link RunStart#RESUME_UNFINISHED}, when the job (same name, output, model, mapping —
   * see {@link RunIdentity}) has an unfinished run, that run is resumed: its input is opened as the
   * run pinned it (Delta version and files) and its plan is the one stored at its first attempt. If
   * the pinned input can no longer be read as it was, this fails naming the version or file; it never
   * re-plans silently. Otherwise the input is pinned now, at {@code input.version} or its latest.
   */
  public PreparedRun prepare(JobSpec spec, RunStart start) {
    Optional<ModelVersion> registered = spec.model().ref().map(ref -> catalog.models().resolve(ref));
    if (registered.isPresent()) {
      spec = withModel(spec, spec.model().resolvedTo(registered.get().uri()));
    }
    String modelFile = spec.model().file();
    byte[] modelBytes = ModelFiles.read(modelFile, spark.sparkContext().hadoopConfiguration());
    String sha256 = ModelFiles.sha256(modelBytes);
    if (registered.isPresent() && !registered.get().sha256().equals(sha256)) {
      throw LakeBatchErrors.modelChanged(registered.get().label(), modelFile, registered.get().sha256(), sha256);
    }
    if (registered.isEmpty()) {
      registered = catalog.models().findBySha256(sha256);
    }
    TablePaths paths = SparkTablePaths.check(spark, spec, catalog.runs()::knowsTable);
    spec = paths.appliedTo(spec);
    RunIdentity identity = RunIdentity.of(spec, paths, sha256);
    Optional<PinnedInputs.PinnedInput> unfinished = start == RunStart.RESUME_UNFINISHED
        ? catalog.pinnedInputs().unfinishedRun(identity.jobKey()) : Optional.empty();
    List<String> notes = new ArrayList<>();
    SparkInputTable input;
    StoredPlan stored;
    if (unfinished.isPresent()) {
      stored = StoredPlan.fromJson(unfinished.get().planJson());
      SparkInputTable.Pinned pinned = SparkInputTable.openPinned(spark, spec.input(), stored.input(),
          unfinished.get().runId());
      input = pinned.input();
      notes.add(resumeNote(unfinished.get().runId(), spec, stored.input().version()));
      if (!pinned.unpinnedFiles().isEmpty()) {
        notes.add("warning: " + pinned.unpinnedFiles().size() + " input file(s) appeared after run "
            + unfinished.get().runId() + " pinned its input and are not part of it: " + pinned.unpinnedFiles()
            + "; they are scored by the next run (or start over with --new-run)");
      }
    } else {
      input = SparkInputTable.open(spark, spec.input());
      stored = null;
    }
    input.checkFilter();
    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    ModelHandle handle = new ModelHandle(modelFile, sha256, threads);
    try (SessionLease lease = OrtSessionCache.shared().acquire(handle, modelBytes)) {  // the preflight reuses it
      var session = lease.session();
      ModelSignature signature = OrtSignatureReader.read(session);
      ModelBinding binding = ModelBindingResolver.resolve(spec, SparkTypeMapping.columns(input.schema()), signature,
          OrtSignatureReader.metadata(session));
      boolean auto = spec.execution().batchSize().isAuto();
      int batchSize = auto ? SpecDefaults.BATCH_SIZE : spec.execution().batchSize().rows().getAsInt();
      if (stored == null) {
        stored = planNew(spec, input, binding, identity);
      }
      RunKey key = new RunKey(identity.runKey(stored.input().version(), stored.input().sha256()));
      if (unfinished.isPresent() && !key.runId(spec.name()).equals(unfinished.get().runId())) {
        throw LakeBatchErrors.internal("run " + unfinished.get().runId() + " was found for this job but its pinned"
            + " input gives run " + key.runId(spec.name()), null);
      }
      InferencePlan plan = stored.plan();
      Set<String> columns = new LinkedHashSet<>(spec.input().carry());
      columns.addAll(binding.featureColumns());
      var readSchema = input.rowSchema(List.copyOf(columns));
      InferenceConfig config = new InferenceConfig(handle, binding, readSchema, spec.input().carry(), batchSize);
      notes.forEach(note -> {
        out.println(note);
        LOG.info(note);
      });
      preflight(input, config, plan);
      Optional<String> choice = Optional.empty();
      if (auto && !plan.chunks().isEmpty()) {
        BatchSizeProbe.Choice probed = probeBatchSize(input, config, plan);
        out.println(probed.describe());
        LOG.info(probed.describe());
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
  private StoredPlan planNew(JobSpec spec, SparkInputTable input, ModelBinding binding, RunIdentity identity) {
    InputFingerprint fingerprint = input.fingerprint();
    String runId = new RunKey(identity.runKey(fingerprint.version(), fingerprint.sha256())).runId(spec.name());
    Optional<PinnedInputs.PinnedInput> existing = catalog.pinnedInputs().find(runId);
    if (existing.isPresent()) {
      return StoredPlan.fromJson(existing.get().planJson());
    }
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    List<String> costColumns = PreparedRun.costColumns(binding).stream()
        .map(c -> input.schema().fields()[input.schema().fieldIndex(c)].name()).toList();
    // An input smaller than one chunk is cut as finely as a full chunk would be (pieces of 1/256 of
    // it), so even a small run of a heavy model keeps every core busy. Depends on the pinned input
    // only, never on the cluster, like every planning input.
    long inputRows = fingerprint.files().stream().mapToLong(PinnedFile::rows).sum();
    long rowsPerChunk = Math.max(1, Math.min(spec.execution().rowsPerChunk(), inputRows));
    PlanningOptions options = new PlanningOptions(rowsPerChunk, spec.execution().rowsPerTask(),
        cores, SpecDefaults.TASKS_PER_CORE, costColumns.isEmpty() ? RowCost.rowsOnly()
            : RowCost.byColumnBytes(costColumns, RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD));
    return new StoredPlan(fingerprint, ChunkPlanner.plan(fingerprint.inputFiles(), input.rowGroupSource(), options));
  }

  private String resumeNote(String runId, JobSpec spec, long pinnedVersion) {
    if (spec.input().format() != io.lakebatch.catalog.spec.TableFormat.DELTA) {
      return "resuming unfinished run " + runId + " on the input files it pinned (--new-run starts over)";
    }
    long latest = org.apache.spark.sql.delta.DeltaLog.forTable(spark, spec.input().path())
        .update(false, ScalaInterop.none(), ScalaInterop.none()).version();
    return "resuming unfinished run " + runId + " at input version " + pinnedVersion + ", which it pinned"
        + (latest > pinnedVersion ? " (the input is at version " + latest + " now; --new-run starts over there)" : "");
  }

  /**
   * Scores a few real rows of the first split here on the driver, with the same code the executors
   * run, so a model that loads but cannot run on this input fails once, in seconds, before any task.
   */
  private void preflight(SparkInputTable input, InferenceConfig config, InferencePlan plan) {
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
      out.printf("preflight: no sample rows (%s); model loaded and its signature checked only%n",
          LakeBatchException.findIn(e).map(Throwable::getMessage).orElse(LakeBatchErrors.rootMessage(e)));
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
      throw LakeBatchErrors.modelFailed(config.model().uri(), "the preflight batch of " + sample.size()
          + " real rows from " + first.path() + ", before any inference task ran", e);
    }
    out.printf("preflight: %d sample rows from %s scored on the driver in %d ms (%d invalid)%n", scored,
        first.path(), (System.nanoTime() - start) / 1_000_000, invalid.size());
  }

  /**
   * {@code batch-size: auto}: one Spark task reads the first planned task's rows and probes the
   * model on the executor, where it will run (a GPU executor probes its GPU).
   */
  private BatchSizeProbe.Choice probeBatchSize(SparkInputTable input, InferenceConfig config, InferencePlan plan) {
    spark.sparkContext().setJobDescription("lakebatch batch-size probe");
    try {
      List<BatchSizeProbe.Choice> choices = input.rows(List.of(plan.chunks().get(0).tasks().get(0)),
              List.of(config.inputSchema().fieldNames()))
          .mapPartitions(new BatchSizeProbe(config)).collect();
      return choices.get(0);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static JobSpec withModel(JobSpec spec, ModelSpec model) {
    return new JobSpec(spec.name(), model, spec.input(), spec.output(), spec.execution(), spec.resources());
  }

  /**
   * Runs every chunk not yet committed and returns the summary. The run is registered in the run
   * store (or found there, for a rerun), taken by this process, and its ledger is made to agree with
   * the output table's Delta log before the first chunk; its driver log goes to
   * {@code <home>/runs/<run>/driver.log}.
   */
  public RunSummary run(PreparedRun prepared) {
    RunStore runs = catalog.runs();
    String runId = prepared.runId();
    runs.register(prepared.newRun());
    Path logFile = runFolders.resolve(runId).resolve("driver.log");
    try {
      Files.createDirectories(logFile.getParent());
    } catch (IOException e) {
      throw LakeBatchErrors.internal("cannot create run folder " + logFile.getParent(), e);
    }
    try (RunLog ignored = RunLog.open(logFile)) {
      RunLease lease = runs.take(runId, owner, livenessTimeout(), TakeBarrier.fromConf(spark.conf()::getOption));
      LongAccumulator scoredRows = spark.sparkContext().longAccumulator("lakebatch scored rows " + runId);
      try (Heartbeat heartbeat = Heartbeat.start(runs, lease, scoredRows)) {
        try {
          runs.setLogPath(lease, logFile.toString());
          catalog.pinnedInputs().save(prepared.pinnedInput(
              new DeltaChunkTable(spark, prepared.spec().output().path()).version()));
          RunSummary summary = runChunks(prepared, runs, lease, heartbeat, scoredRows);
          runs.transition(lease, summary.state(), summary.state() == RunState.SUCCEEDED
              ? "all " + summary.chunksTotal() + " chunks committed" : String.join("; ", summary.failedChunks()));
          LOG.info("run {} ended {}:\n{}", runId, summary.state(), summary.render());
          return summary;
        } catch (Exception e) {  // Spark throws undeclared checked exceptions (SparkException)
          String message = LakeBatchException.findIn(e).map(Throwable::getMessage).orElse(LakeBatchErrors.rootMessage(e));
          LOG.error("run {} failed: {}", runId, message, e);
          endFailed(runs, lease, message);  // refused by the store if another driver took the run over
          throw unchecked(e);
        }
      }
    }
  }

  /** How long a driver may go without a heartbeat before another may take its run ({@link #LIVENESS_TIMEOUT_CONF}). */
  private Duration livenessTimeout() {
    return Duration.ofMillis(org.apache.spark.network.util.JavaUtils.timeStringAsMs(
        spark.conf().get(LIVENESS_TIMEOUT_CONF, RunOwner.HEARTBEAT_TIMEOUT.toSeconds() + "s")));
  }

  private static void endFailed(RunStore runs, RunLease lease, String message) {
    try {
      RunState state = runs.get(lease.runId()).state();
      if (!state.isTerminal()) {
        runs.transition(lease, RunState.FAILED, message);
      }
    } catch (RuntimeException stored) {
      LOG.warn("run {} failed and its state could not be stored: {}", lease.runId(), stored.getMessage());
    }
  }

  private RunSummary runChunks(PreparedRun prepared, RunStore runs, RunLease lease, Heartbeat heartbeat,
      LongAccumulator scoredRows) {
    long start = System.nanoTime();
    JobSpec spec = prepared.spec();
    InferencePlan plan = prepared.plan();
    String runId = prepared.runId();
    DeltaChunkTable output = new DeltaChunkTable(spark, spec.output().path());
    DeltaChunkTable deadLetter = new DeltaChunkTable(spark, spec.output().deadLetterPath());
    InferenceConfig config = prepared.inference();
    RunKey key = prepared.key();

    Map<String, Long> outputTxns = output.transactions();
    Optional<OverwritePublication> publication = spec.output().mode() == WriteMode.OVERWRITE
        ? Optional.of(new OverwritePublication(spark, prepared, output, catalog.pinnedInputs(), runs, lease))
        : Optional.empty();
    boolean published = publication.map(p -> p.published(outputTxns)).orElse(false);
    Map<Integer, PinnedInputs.StagedChunk> staged = new java.util.TreeMap<>();
    Set<Integer> done = new HashSet<>();
    if (publication.isPresent()) {
      if (!published) {
        publication.get().checkOutputUnchanged();
      }
      staged.putAll(publication.get().stagedChunks());
      plan.chunks().stream().filter(c -> published || staged.containsKey(c.index())).forEach(c -> done.add(c.index()));
    } else {
      plan.chunks().stream().filter(c -> outputTxns.containsKey(key.chunkAppId("output", c.index())))
          .forEach(c -> done.add(c.index()));
      output.checkAppendable(config.outputSchema(), "output.path");
    }
    int alreadyCommitted = done.size();
    deadLetter.checkAppendable(config.deadLetterSchema(), "output.dead-letter");
    if (alreadyCommitted > 0 && publication.isEmpty()) {
      checkCommittedSplits(prepared, output);
    }
    int rebuilt = publication.isPresent()
        ? syncStagedLedger(prepared, runs, lease, staged, published ? output.findCommit(publication.get().appId(), 0)
            .map(DeltaChunkTable.ChunkCommit::version).orElse(-1L) : -1L)
        : syncLedger(prepared, runs, lease, output, deadLetter, outputTxns);
    BadRowBudget badRowBudget = BadRowBudget.of(spec.execution().maxBadRowFraction(), deadLetter.path(),
        runs.chunks(runId));
    badRowBudget.check();

    report("run %s: %d chunks, %,d rows from %s %s%s -> %s", runId, plan.chunks().size(),
        plan.totalRows(), spec.input().format().specName(), spec.input().path(),
        prepared.input().version() >= 0 ? " @ version " + prepared.input().version() : "", spec.output().path());
    report("  model %s (sha256 %s), driver log %s", prepared.modelLabel(),
        config.model().sha256().substring(0, 16), runs.get(runId).logPath().orElse("-"));
    if (alreadyCommitted > 0) {
      report("resuming run %s: %d of %d chunks already committed%s", runId, alreadyCommitted, plan.chunks().size(),
          rebuilt > 0 ? " (ledger: " + rebuilt + " rows rebuilt from the Delta log)" : "");
    }
    runs.transition(lease, RunState.RUNNING, null);

    List<String> failed = new ArrayList<>();
    RunScope scope = new RunScope(prepared, runs, lease, output, deadLetter, scoredRows,
        FaultInjection.fromConf(k -> Optional.ofNullable(spark.conf().get(k, null))),
        new AtomicInteger(spec.execution().retries().job()), failed,
        prepared.columnar() && !"false".equals(spark.conf().get(COLUMNAR_CONF, "true")));
    long rowsIn = 0;
    long rowsOut = 0;
    long badRows = 0;
    int run = 0;
    int skipped = 0;
    boolean cancelled = false;
    for (Chunk chunk : plan.chunks()) {
      if (done.contains(chunk.index())) {
        skipped++;
        continue;
      }
      heartbeat.throwIfFenced();
      if (runs.get(runId).cancelRequested()) {
        report("run %s: cancel requested; stopping before chunk %d", runId, chunk.index());
        cancelled = true;
        break;
      }
      heartbeat.chunkStarted(chunk.rows());
      Optional<ChunkResult> result = runWithRetries(scope, chunk, publication);
      if (result.isEmpty()) {
        runs.chunkFailed(lease, chunk.index(), failed.get(failed.size() - 1));
        continue;
      }
      ChunkResult r = result.get();
      run++;
      rowsIn += r.rowsIn();
      rowsOut += r.rowsOut();
      badRows += r.deadLetterRows();
      runs.chunkCommitted(lease, new ChunkCommit(chunk.index(), r.version(), r.rowsOut(), r.deadLetterRows()));
      done.add(chunk.index());
      heartbeat.chunkEnded();
      report("chunk %d/%d %s: %,d rows out, %,d dead-letter | %s", chunk.index() + 1, plan.chunks().size(),
          r.version() >= 0 ? "committed (table version " + r.version() + ")" : "staged (published with the last chunk)",
          r.rowsOut(), r.deadLetterRows(), runs.progress(runId).render());
      badRowBudget = badRowBudget.plus(r.rowsIn(), r.deadLetterRows());
      badRowBudget.check();
    }
    if (publication.isPresent() && !published && !cancelled && failed.isEmpty()
        && done.size() == plan.chunks().size()) {
      publish(prepared, runs, lease, publication.get());
    }
    RunState state = cancelled ? RunState.CANCELLED
        : failed.isEmpty() ? RunState.SUCCEEDED : (run + skipped > 0 ? RunState.PARTIAL : RunState.FAILED);
    return new RunSummary(runId, state, plan.totalRows(), rowsIn, rowsOut, badRows, plan.chunks().size(),
        run, skipped, failed, config.batchSize(), prepared.batchSizeChoice(), Duration.ofNanos(System.nanoTime() - start));
  }

  /** Publishes an overwrite run's staged chunks in one commit and records its version in the ledger. */
  private void publish(PreparedRun prepared, RunStore runs, RunLease lease, OverwritePublication publication) {
    List<PinnedInputs.StagedChunk> chunks = catalog.pinnedInputs().staged(prepared.runId());
    long version = publication.publish(chunks, CommitMetadata.of(prepared, -1).toJson());
    for (PinnedInputs.StagedChunk chunk : chunks) {
      runs.chunkCommitted(lease, new ChunkCommit(chunk.chunk(), version, chunk.rowsOut(), chunk.deadLetterRows()));
    }
    report("run %s: %d chunks published to %s in one commit (table version %d)", prepared.runId(), chunks.size(),
        prepared.spec().output().path(), version);
  }

  /**
   * The ledger of an overwrite run: its staged chunks are done (version {@code -1} until published);
   * anything else runs again.
   */
  private int syncStagedLedger(PreparedRun prepared, RunStore runs, RunLease lease,
      Map<Integer, PinnedInputs.StagedChunk> staged, long publishedVersion) {
    int restored = runs.restoreLedger(lease, prepared.plan().chunks().stream().map(Chunk::rows).toList());
    List<ChunkCommit> commits = staged.values().stream().map(c -> new ChunkCommit(c.chunk(), publishedVersion,
        c.rowsOut(), c.deadLetterRows())).toList();
    return restored + runs.reconcile(lease, commits);
  }

  /**
   * Proves, before an append run resumes, that the chunks the output records as committed still hold
   * this run's rows: each committed chunk's splits hash (in its commit metadata) must equal the stored
   * plan's — a mismatch means old chunk ids would map onto other rows — and no other writer may have
   * removed data from the table since the run's first commit (an overwrite or delete would leave
   * recorded chunk ids whose rows are gone).
   */
  private void checkCommittedSplits(PreparedRun prepared, DeltaChunkTable output) {
    String prefix = prepared.key().chunkAppIdPrefix("output");
    long firstCommit = -1;
    for (DeltaChunkTable.TableCommit commit : output.history(0)) {
      Optional<CommitMetadata> metadata = CommitMetadata.parse(commit.userMetadata());
      boolean ours = metadata.map(m -> m.runKey().equals(prepared.key().value())).orElse(false);
      if (!ours && firstCommit >= 0 && commit.removedData() > 0) {
        throw LakeBatchErrors.outputChanged(prepared.runId(), output.path(), "version " + commit.version() + " ("
            + commit.operation() + (metadata.isPresent() ? " by run " + metadata.get().runId() : "") + ") removed "
            + commit.removedData() + " data file(s) after this run's first commit at version " + firstCommit
            + ", so chunks it recorded may have lost their rows");
      }
      for (String appId : commit.appIds()) {
        if (!appId.startsWith(prefix) || metadata.isEmpty() || metadata.get().splitsHash().isEmpty()) {
          continue;
        }
        firstCommit = firstCommit < 0 ? commit.version() : firstCommit;
        int chunk = Integer.parseInt(appId.substring(prefix.length()));
        String planned = chunk < prepared.plan().chunks().size()
            ? prepared.plan().chunks().get(chunk).splitsHash() : "(no such chunk)";
        if (!planned.equals(metadata.get().splitsHash())) {
          throw LakeBatchErrors.outputChanged(prepared.runId(), output.path(), "chunk " + chunk
              + " was committed at version " + commit.version() + " over splits " + metadata.get().splitsHash()
              + ", but the run's stored plan gives it splits " + planned);
        }
      }
    }
  }

  /**
   * Makes the ledger agree with the Delta log, which is the source of truth. The log is only scanned
   * when the ledger's committed chunks differ from the transactions the output table records.
   *
   * @return ledger rows changed
   */
  private int syncLedger(PreparedRun prepared, RunStore runs, RunLease lease, DeltaChunkTable output,
      DeltaChunkTable deadLetter, Map<String, Long> outputTxns) {
    String runId = prepared.runId();
    RunKey key = prepared.key();
    int restored = runs.restoreLedger(lease, prepared.plan().chunks().stream().map(Chunk::rows).toList());
    Set<Integer> inLog = new HashSet<>();
    for (Chunk chunk : prepared.plan().chunks()) {
      if (outputTxns.containsKey(key.chunkAppId("output", chunk.index()))) {
        inLog.add(chunk.index());
      }
    }
    List<ChunkRecord> ledger = runs.chunks(runId);
    Set<Integer> inLedger = new HashSet<>();
    ledger.stream().filter(c -> c.state() == ChunkState.COMMITTED).forEach(c -> inLedger.add(c.chunk()));
    boolean stale = ledger.stream().anyMatch(c -> c.state() == ChunkState.RUNNING || c.state() == ChunkState.FAILED);
    if (inLog.equals(inLedger) && !stale) {
      return restored;
    }
    Map<Integer, DeltaChunkTable.ChunkCommit> outputCommits = inLog.equals(inLedger)
        ? Map.of() : output.chunkCommits(key.chunkAppIdPrefix("output"));
    Map<Integer, DeltaChunkTable.ChunkCommit> badCommits = inLog.equals(inLedger)
        ? Map.of() : deadLetter.chunkCommits(key.chunkAppIdPrefix("dead-letter"));
    List<ChunkCommit> commits = new ArrayList<>();
    for (ChunkRecord row : ledger) {
      if (!inLog.contains(row.chunk())) {
        continue;
      }
      DeltaChunkTable.ChunkCommit commit = outputCommits.get(row.chunk());
      if (commit == null) {
        // Ledger and log agree on this chunk; keep what the ledger has.
        commits.add(new ChunkCommit(row.chunk(), row.deltaVersion().orElse(-1L), row.rowsOut().orElse(-1L),
            row.deadLetterRows().orElse(0L)));
      } else {
        DeltaChunkTable.ChunkCommit bad = badCommits.get(row.chunk());
        commits.add(new ChunkCommit(row.chunk(), commit.version(), commit.rows(), bad == null ? 0 : bad.rows()));
      }
    }
    int changed = restored + runs.reconcile(lease, commits);
    LOG.info("run {}: ledger synced with the Delta log of {} ({} rows changed)", runId, output.path(), changed);
    return changed;
  }

  private void report(String format, Object... args) {
    String line = String.format(format, args);
    out.println(line);
    out.flush();
    LOG.info(line);
  }

  /** What every chunk of one run shares. */
  private record RunScope(PreparedRun prepared, RunStore runs, RunLease lease, DeltaChunkTable output,
      DeltaChunkTable deadLetter,
      LongAccumulator scoredRows, FaultInjection faults, AtomicInteger jobRetriesLeft, List<String> failed,
      boolean columnar) {}

  /**
   * Runs a chunk, retrying transient failures with backoff within the chunk's limit
   * ({@code retries.chunk}) and the run's ({@code retries.job}); returns empty when the chunk failed
   * for good (recorded in {@code scope.failed()}).
   */
  private Optional<ChunkResult> runWithRetries(RunScope scope, Chunk chunk,
      Optional<OverwritePublication> overwrite) {
    PreparedRun prepared = scope.prepared();
    int attempts = prepared.spec().execution().retries().chunk() + 1;
    for (int attempt = 1; ; attempt++) {
      scope.runs().chunkStarted(scope.lease(), chunk.index());
      try {
        return Optional.of(runChunk(scope, chunk, overwrite));
      } catch (Exception e) {  // Spark throws undeclared checked exceptions (SparkException)
        ErrorCategory category = LakeBatchException.findIn(e).map(LakeBatchException::category)
            .orElse(ErrorCategory.TRANSIENT);
        if (category == ErrorCategory.USER || category == ErrorCategory.INTERNAL) {
          throw unchecked(e);
        }
        String message = LakeBatchException.findIn(e).map(Throwable::getMessage).orElse(LakeBatchErrors.rootMessage(e));
        boolean budgetLeft = category.retryable() && attempt < attempts && scope.jobRetriesLeft().get() > 0;
        boolean retry = budgetLeft && scope.jobRetriesLeft().decrementAndGet() >= 0;
        String why = retry ? " (retrying)"
            : category.retryable() && attempt < attempts ? " (run's retry budget retries.job used up)" : "";
        report("chunk %d/%d attempt %d failed: %s%s", chunk.index() + 1, prepared.plan().chunks().size(), attempt,
            message, why);
        if (!retry) {
          scope.failed().add("chunk " + chunk.index() + " after " + attempt + " attempt(s): " + message);
          return Optional.empty();
        }
        sleepBackoff(attempt);
      }
    }
  }

  private static RuntimeException unchecked(Exception e) {
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    return LakeBatchException.findIn(e).map(RuntimeException.class::cast)
        .orElseGet(() -> LakeBatchErrors.internal("unexpected " + LakeBatchErrors.rootMessage(e), e));
  }

  private static void sleepBackoff(int attempt) {
    long cap = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(attempt - 1, 5));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted while waiting to retry", e);
    }
  }

  /**
   * Scores a chunk in one Spark job whose tasks write the scored rows as uncommitted files of the
   * output table and their rejected rows as uncommitted files of the dead-letter table; then commits
   * the dead-letter files, then the output files, each under the chunk's own transaction id. The
   * output commit therefore marks a chunk complete; a crash before it leaves only uncommitted files,
   * and the rerun's dead-letter commit is skipped by Delta if the crashed attempt had made it. With
   * {@code overwrite} (the run's first chunk in mode overwrite) the output commit also removes what
   * the table held.
   */
  private ChunkResult runChunk(RunScope scope, Chunk chunk, Optional<OverwritePublication> overwrite) {
    PreparedRun prepared = scope.prepared();
    DeltaChunkTable output = scope.output();
    InferenceConfig config = prepared.inference();
    RunKey key = prepared.key();
    String outputId = key.chunkAppId("output", chunk.index());
    spark.sparkContext().setJobDescription("lakebatch " + prepared.runId() + " chunk " + chunk.index());
    try {
      DeadLetterFiles letters = DeadLetterFiles.prepare(spark, scope.deadLetter().path(), config, prepared.runId(),
          chunk.index());
      BatchInferenceFunction function = new BatchInferenceFunction(config, scope.scoredRows(), scope.faults(),
          letters.sink());
      List<String> columns = List.of(config.inputSchema().fieldNames());
      JavaRDD<InternalRow> scored = scope.columnar()
          ? prepared.input().batches(chunk.tasks(), columns).mapPartitions(function.columnar())
          : readChunk(prepared, chunk).mapPartitions(function);
      Optional<DeltaChunkTable.StagedChunk> staged = output.stage(
          spark.internalCreateDataFrame(scored.rdd(), config.outputSchema(), false), outputId, 1, config.outputSchema(),
          false);
      if (staged.isEmpty()) {
        return committedEarlier(scope, chunk);
      }
      long rejected = letters.rows();
      scope.runs().checkLease(scope.lease());
      if (rejected > 0) {
        commitDeadLetters(scope, chunk, letters);
      }
      long rowsOut = staged.get().rows();
      if (overwrite.isPresent()) {
        overwrite.get().stage(chunk.index(), staged.get(), rejected);
        return new ChunkResult(rowsOut + rejected, rowsOut, rejected, -1);
      }
      scope.runs().checkLease(scope.lease());
      DeltaChunkTable.ChunkCommit commit = output.commit(staged.get(), commitMetadata(prepared, chunk))
          .orElseGet(() -> output.findCommit(outputId, 0).orElseThrow(() -> LakeBatchErrors.internal(
              "chunk " + chunk.index() + " is not in " + output.path() + " after its commit", null)));
      return new ChunkResult(rowsOut + rejected, rowsOut, rejected, commit.version());
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private JavaRDD<InternalRow> readChunk(PreparedRun prepared, Chunk chunk) {
    return prepared.input().rows(chunk.tasks(), List.of(prepared.inference().inputSchema().fieldNames()));
  }

  /** Commits the dead-letter files the chunk's tasks wrote, exactly those, with the chunk's transaction id. */
  private void commitDeadLetters(RunScope scope, Chunk chunk, DeadLetterFiles letters) {
    PreparedRun prepared = scope.prepared();
    // Skipped by Delta when its id is already recorded: an earlier attempt crashed between this
    // commit and the output commit, and its dead letters are these same rows (the files written
    // now are never committed).
    DeltaChunkTable deadLetter = scope.deadLetter();
    String metadata = commitMetadata(prepared, chunk);
    deadLetter.stageFiles(letters.addFiles(), prepared.key().chunkAppId("dead-letter", chunk.index()), 1,
            prepared.inference().deadLetterSchema())
        .ifPresent(staged -> deadLetter.commit(staged, metadata));
  }

  /** A chunk another driver committed while this one scored it: its rows as the Delta log records them. */
  private ChunkResult committedEarlier(RunScope scope, Chunk chunk) {
    RunKey key = scope.prepared().key();
    DeltaChunkTable.ChunkCommit commit = scope.output().findCommit(key.chunkAppId("output", chunk.index()), 0)
        .orElseThrow(() -> LakeBatchErrors.internal("chunk " + chunk.index() + " is recorded in "
            + scope.output().path() + " but its commit is not in the log", null));
    long bad = scope.deadLetter().findCommit(key.chunkAppId("dead-letter", chunk.index()), 0)
        .map(DeltaChunkTable.ChunkCommit::rows).orElse(0L);
    return new ChunkResult(commit.rows() + bad, commit.rows(), bad, commit.version());
  }

  private static String commitMetadata(PreparedRun prepared, Chunk chunk) {
    return CommitMetadata.of(prepared, chunk.index()).toJson();
  }

  private record ChunkResult(long rowsIn, long rowsOut, long deadLetterRows, long version) {}
}
