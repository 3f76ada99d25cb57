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
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.ChunkCommit;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.planner.Chunk;
import io.lakebatch.planner.ChunkPlanner;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.planner.InferencePlan;
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

  /**
   * Checks the spec against the registry, the input and the model and plans the run; runs no Spark
   * job on data. A {@code model.ref} is resolved to its registered file, whose sha256 must still be
   * the registered one.
   */
  public PreparedRun prepare(JobSpec spec) {
    Optional<ModelVersion> registered = spec.model().ref().map(ref -> catalog.models().resolve(ref));
    if (registered.isPresent()) {
      spec = withModel(spec, spec.model().resolvedTo(registered.get().uri()));
    }
    SparkInputTable input = SparkInputTable.open(spark, spec.input());
    input.checkFilter();
    String modelFile = spec.model().file();
    byte[] modelBytes = ModelFiles.read(modelFile);
    String sha256 = ModelFiles.sha256(modelBytes);
    if (registered.isPresent() && !registered.get().sha256().equals(sha256)) {
      throw LakeBatchErrors.modelChanged(registered.get().label(), modelFile, registered.get().sha256(), sha256);
    }
    if (registered.isEmpty()) {
      registered = catalog.models().findBySha256(sha256);
    }
    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    try (var session = OrtSessionCache.open(modelFile, modelBytes, threads)) {
      ModelSignature signature = OrtSignatureReader.read(session);
      ModelBinding binding = ModelBindingResolver.resolve(spec, SparkTypeMapping.columns(input.schema()), signature,
          OrtSignatureReader.metadata(session));
      boolean auto = spec.execution().batchSize().isAuto();
      int batchSize = auto ? SpecDefaults.BATCH_SIZE : spec.execution().batchSize().rows().getAsInt();
      ModelHandle handle = new ModelHandle(modelFile, sha256, threads);
      int cores = Math.max(1, spark.sparkContext().defaultParallelism());
      List<String> costColumns = PreparedRun.costColumns(binding).stream()
          .map(c -> input.schema().fields()[input.schema().fieldIndex(c)].name()).toList();
      // An input smaller than one chunk is cut as finely as a full chunk would be (pieces of 1/256 of
      // it), so even a small run of a heavy model keeps every core busy. Depends on the pinned input
      // only, never on the cluster, like every planning input.
      long inputRows = input.files().stream().mapToLong(io.lakebatch.planner.InputFile::rows).sum();
      long rowsPerChunk = Math.max(1, Math.min(spec.execution().rowsPerChunk(), inputRows));
      PlanningOptions options = new PlanningOptions(rowsPerChunk, spec.execution().rowsPerTask(),
          cores, SpecDefaults.TASKS_PER_CORE, costColumns.isEmpty() ? RowCost.rowsOnly()
              : RowCost.byColumnBytes(costColumns, RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD));
      InferencePlan plan = ChunkPlanner.plan(input.files(), input.rowGroupSource(), options);
      RunKey key = RunKey.of(spec, input.version(), sha256, options.rowsPerChunk(), options.pieceRows());
      Set<String> columns = new LinkedHashSet<>(spec.input().carry());
      columns.addAll(binding.featureColumns());
      var readSchema = input.rowSchema(List.copyOf(columns));
      InferenceConfig config = new InferenceConfig(handle, binding, readSchema, spec.input().carry(), batchSize);
      preflight(input, config, plan);
      Optional<String> choice = Optional.empty();
      if (auto && !plan.chunks().isEmpty()) {
        BatchSizeProbe.Choice probed = probeBatchSize(input, config, plan);
        out.println(probed.describe());
        LOG.info(probed.describe());
        config = config.withBatchSize(probed.batchSize());
        choice = Optional.of(probed.describe());
      }
      return new PreparedRun(spec, input, config, plan, key, registered, choice);
    } catch (ai.onnxruntime.OrtException e) {
      throw LakeBatchErrors.modelUnreadable(modelFile, e);
    }
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
    runs.setLogPath(runId, logFile.toString());
    try (RunLog ignored = RunLog.open(logFile)) {
      take(runs, runId);
      try {
        RunSummary summary = runChunks(prepared, runs);
        runs.transition(runId, summary.state(), Optional.of(owner), summary.state() == RunState.SUCCEEDED
            ? "all " + summary.chunksTotal() + " chunks committed" : String.join("; ", summary.failedChunks()));
        LOG.info("run {} ended {}:\n{}", runId, summary.state(), summary.render());
        return summary;
      } catch (Exception e) {  // Spark throws undeclared checked exceptions (SparkException)
        String message = LakeBatchException.findIn(e).map(Throwable::getMessage).orElse(LakeBatchErrors.rootMessage(e));
        LOG.error("run {} failed: {}", runId, message, e);
        endFailed(runs, runId, message);
        throw unchecked(e);
      }
    }
  }

  /**
   * Takes the run for this process: a run left PLANNING or RUNNING by a driver that is gone goes back
   * to QUEUED (resume), an ended run is queued again (rerun), then it moves to PLANNING.
   */
  private void take(RunStore runs, String runId) {
    RunRecord run = runs.get(runId);
    if (run.state() == RunState.PLANNING || run.state() == RunState.RUNNING) {
      Optional<RunOwner> previous = run.owner().flatMap(RunOwner::parse);
      if (previous.map(o -> o.isAlive(run.heartbeatAt(), java.time.Instant.now())).orElse(false)) {
        throw LakeBatchErrors.runBusy(runId, run.state(), previous.get().toString());
      }
      runs.transition(runId, RunState.QUEUED, Optional.of(owner),
          "driver " + run.owner().orElse("?") + " is gone; resuming");
    } else if (run.state().isTerminal()) {
      runs.transition(runId, RunState.QUEUED, Optional.of(owner), "rerun after " + run.state());
    }
    runs.transition(runId, RunState.PLANNING, Optional.of(owner), "attempt by " + owner);
  }

  private static void endFailed(RunStore runs, String runId, String message) {
    try {
      RunState state = runs.get(runId).state();
      if (!state.isTerminal()) {
        runs.transition(runId, RunState.FAILED, Optional.empty(), message);
      }
    } catch (RuntimeException stored) {
      LOG.warn("run {} failed and its state could not be stored: {}", runId, stored.getMessage());
    }
  }

  private RunSummary runChunks(PreparedRun prepared, RunStore runs) {
    long start = System.nanoTime();
    JobSpec spec = prepared.spec();
    InferencePlan plan = prepared.plan();
    String runId = prepared.runId();
    DeltaChunkTable output = new DeltaChunkTable(spark, spec.output().path());
    DeltaChunkTable deadLetter = new DeltaChunkTable(spark, spec.output().deadLetterPath());
    InferenceConfig config = prepared.inference();
    RunKey key = prepared.key();

    Map<String, Long> outputTxns = output.transactions();
    int alreadyCommitted = (int) plan.chunks().stream()
        .filter(c -> outputTxns.containsKey(key.chunkAppId("output", c.index()))).count();
    boolean overwriteFirst = spec.output().mode() == io.lakebatch.catalog.spec.WriteMode.OVERWRITE && alreadyCommitted == 0;
    if (!overwriteFirst) {
      output.checkAppendable(config.outputSchema(), "output.path");
    }
    deadLetter.checkAppendable(config.deadLetterSchema(), "output.dead-letter");
    int rebuilt = syncLedger(prepared, runs, output, deadLetter, outputTxns);

    report("run %s: %d chunks, %,d rows from %s %s%s -> %s", runId, plan.chunks().size(),
        plan.totalRows(), spec.input().format().specName(), spec.input().path(),
        prepared.input().version() >= 0 ? " @ version " + prepared.input().version() : "", spec.output().path());
    report("  model %s (sha256 %s), driver log %s", prepared.modelLabel(),
        config.model().sha256().substring(0, 16), runs.get(runId).logPath().orElse("-"));
    if (alreadyCommitted > 0) {
      report("resuming run %s: %d of %d chunks already committed%s", runId, alreadyCommitted, plan.chunks().size(),
          rebuilt > 0 ? " (ledger: " + rebuilt + " rows rebuilt from the Delta log)" : "");
    }
    runs.transition(runId, RunState.RUNNING, Optional.of(owner), null);

    LongAccumulator scoredRows = spark.sparkContext().longAccumulator("lakebatch scored rows " + runId);
    List<String> failed = new ArrayList<>();
    RunScope scope = new RunScope(prepared, runs, output, deadLetter, scoredRows,
        FaultInjection.fromConf(k -> Optional.ofNullable(spark.conf().get(k, null))),
        new AtomicInteger(spec.execution().retries().job()), failed,
        prepared.columnar() && !"false".equals(spark.conf().get(COLUMNAR_CONF, "true")));
    long rowsIn = 0;
    long rowsOut = 0;
    long badRows = 0;
    int run = 0;
    int skipped = 0;
    boolean cancelled = false;
    try (Heartbeat heartbeat = Heartbeat.start(runs, runId, scoredRows)) {
      for (Chunk chunk : plan.chunks()) {
        if (outputTxns.containsKey(key.chunkAppId("output", chunk.index()))) {
          skipped++;
          continue;
        }
        if (runs.get(runId).cancelRequested()) {
          report("run %s: cancel requested; stopping before chunk %d", runId, chunk.index());
          cancelled = true;
          break;
        }
        heartbeat.chunkStarted(chunk.rows());
        Optional<ChunkResult> result = runWithRetries(scope, chunk, overwriteFirst && run == 0);
        if (result.isEmpty()) {
          runs.chunkFailed(runId, chunk.index(), failed.get(failed.size() - 1));
          continue;
        }
        ChunkResult r = result.get();
        run++;
        rowsIn += r.rowsIn();
        rowsOut += r.rowsOut();
        badRows += r.deadLetterRows();
        runs.chunkCommitted(runId, new ChunkCommit(chunk.index(), r.version(), r.rowsOut(), r.deadLetterRows()));
        heartbeat.chunkEnded();
        report("chunk %d/%d committed (table version %d): %,d rows out, %,d dead-letter | %s", chunk.index() + 1,
            plan.chunks().size(), r.version(), r.rowsOut(), r.deadLetterRows(), runs.progress(runId).render());
        if (rowsIn > 0 && (double) badRows / rowsIn > spec.execution().maxBadRowFraction()) {
          throw LakeBatchErrors.tooManyBadRows(badRows, rowsIn, spec.execution().maxBadRowFraction(), deadLetter.path());
        }
      }
    }
    RunState state = cancelled ? RunState.CANCELLED
        : failed.isEmpty() ? RunState.SUCCEEDED : (run + skipped > 0 ? RunState.PARTIAL : RunState.FAILED);
    return new RunSummary(runId, state, plan.totalRows(), rowsIn, rowsOut, badRows, plan.chunks().size(),
        run, skipped, failed, config.batchSize(), prepared.batchSizeChoice(), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Makes the ledger agree with the Delta log, which is the source of truth. The log is only scanned
   * when the ledger's committed chunks differ from the transactions the output table records.
   *
   * @return ledger rows changed
   */
  private int syncLedger(PreparedRun prepared, RunStore runs, DeltaChunkTable output, DeltaChunkTable deadLetter,
      Map<String, Long> outputTxns) {
    String runId = prepared.runId();
    RunKey key = prepared.key();
    int restored = runs.restoreLedger(runId, prepared.plan().chunks().stream().map(Chunk::rows).toList());
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
    int changed = restored + runs.reconcile(runId, commits);
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
  private record RunScope(PreparedRun prepared, RunStore runs, DeltaChunkTable output, DeltaChunkTable deadLetter,
      LongAccumulator scoredRows, FaultInjection faults, AtomicInteger jobRetriesLeft, List<String> failed,
      boolean columnar) {}

  /**
   * Runs a chunk, retrying transient failures with backoff within the chunk's limit
   * ({@code retries.chunk}) and the run's ({@code retries.job}); returns empty when the chunk failed
   * for good (recorded in {@code scope.failed()}).
   */
  private Optional<ChunkResult> runWithRetries(RunScope scope, Chunk chunk, boolean overwrite) {
    PreparedRun prepared = scope.prepared();
    int attempts = prepared.spec().execution().retries().chunk() + 1;
    for (int attempt = 1; ; attempt++) {
      scope.runs().chunkStarted(prepared.runId(), chunk.index());
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
  private ChunkResult runChunk(RunScope scope, Chunk chunk, boolean overwrite) {
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
          ? prepared.input().batches(chunk.tasks(), columns).mapPartitions(function::callColumnar)
          : readChunk(prepared, chunk).mapPartitions(function);
      Optional<DeltaChunkTable.StagedChunk> staged = output.stage(
          spark.internalCreateDataFrame(scored.rdd(), config.outputSchema(), false), outputId, 1, config.outputSchema(),
          overwrite);
      if (staged.isEmpty()) {
        return committedEarlier(scope, chunk);
      }
      long rejected = letters.rows();
      if (rejected > 0) {
        commitDeadLetters(scope, chunk, letters);
      }
      DeltaChunkTable.ChunkCommit commit = output.commit(staged.get(), commitMetadata(prepared, chunk))
          .orElseGet(() -> output.findCommit(outputId, 0).orElseThrow(() -> LakeBatchErrors.internal(
              "chunk " + chunk.index() + " is not in " + output.path() + " after its commit", null)));
      long rowsOut = staged.get().rows();
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
