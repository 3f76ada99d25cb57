package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.ChunkGate;
import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.WriteMode;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.ChunkCommit;
import io.lakebatch.catalog.store.PinnedInputs;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.planner.Chunk;
import io.lakebatch.planner.InferencePlan;
import io.lakebatch.udf.FaultInjection;
import io.lakebatch.udf.InferenceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a prepared run's chunks: registers the run, takes it (fenced by its epoch), opens its driver
 * log, reconciles the ledger with the output, then scores and commits each chunk not yet done,
 * retrying transient failures ({@link RetryPolicy}), stopping at a chunk boundary when a cancel is
 * requested, and collects each chunk's {@link ChunkOutcome} into the run's summary. Overwrite runs
 * publish once every chunk is staged.
 */
final class RunExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);

  private final SparkSession spark;
  private final Catalog catalog;
  private final Path runFolders;
  private final RunEvents events;
  private final RunOwner owner;

  RunExecutor(
      SparkSession spark, Catalog catalog, Path runFolders, RunEvents events, RunOwner owner) {
    this.spark = requireNonNull(spark, "spark is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.runFolders = requireNonNull(runFolders, "runFolders is null");
    this.events = requireNonNull(events, "events is null");
    this.owner = requireNonNull(owner, "owner is null");
  }

  /**
   * Runs every chunk not yet committed and returns the summary; its driver log goes to {@code
   * <runFolders>/<run>/driver.log}.
   *
   * @param cancelled checked at each chunk boundary beside the run store's cancel flag
   * @param gate asked before each chunk starts, if any
   */
  RunSummary run(PreparedRun prepared, BooleanSupplier cancelled, Optional<ChunkGate> gate) {
    RunStore runs = catalog.runs();
    String runId = prepared.runId();
    try (RunLog.Tag ignored = RunLog.tag(spark, runId)) {
      runs.register(prepared.newRun());
      Path logFile = runFolders.resolve(runId).resolve("driver.log");
      try {
        Files.createDirectories(logFile.getParent());
      } catch (IOException e) {
        throw LakeBatchErrors.internal("cannot create run folder " + logFile.getParent(), e);
      }
      try (RunLog log = RunLog.open(logFile, runId)) {
        FaultInjection faults =
            FaultInjection.fromConf(k -> Optional.ofNullable(spark.conf().get(k, null)));
        RunLease lease =
            runs.take(
                runId, owner, InferenceJob.livenessTimeout(spark), () -> faults.beforeTake(runId));
        LongAccumulator scoredRows =
            spark.sparkContext().longAccumulator("lakebatch scored rows " + runId);
        try (Heartbeat heartbeat = Heartbeat.start(runs, lease, scoredRows)) {
          try {
            runs.setLogPath(lease, logFile.toString());
            catalog
                .pinnedInputs()
                .save(
                    prepared.pinnedInput(
                        new DeltaChunkTable(spark, prepared.spec().output().path()).version()));
            RunSummary summary =
                runChunks(prepared, runs, lease, heartbeat, scoredRows, faults, cancelled, gate);
            LOG.info("run {} ended {}:\n{}", runId, summary.state(), summary.render());
            events.emit(new RunEvent.RunEnded(runId, Optional.of(summary), Optional.empty()));
            return summary;
          } catch (Exception e) { // Spark throws undeclared checked exceptions (SparkException)
            String message =
                LakeBatchException.findIn(e)
                    .map(Throwable::getMessage)
                    .orElse(LakeBatchErrors.rootMessage(e));
            LOG.error("run {} failed: {}", runId, message, e);
            endFailed(
                runs, lease, message); // refused by the store if another driver took the run over
            RuntimeException error = unchecked(e);
            events.emit(new RunEvent.RunEnded(runId, Optional.empty(), Optional.of(error)));
            throw error;
          }
        }
      }
    }
  }

  private static void endFailed(RunStore runs, RunLease lease, String message) {
    try {
      RunState state = runs.get(lease.runId()).state();
      if (!state.isTerminal()) {
        runs.transition(lease, RunState.FAILED, message);
      }
    } catch (RuntimeException stored) {
      LOG.warn(
          "run {} failed and its state could not be stored: {}",
          lease.runId(),
          stored.getMessage());
    }
  }

  private RunSummary runChunks(
      PreparedRun prepared,
      RunStore runs,
      RunLease lease,
      Heartbeat heartbeat,
      LongAccumulator scoredRows,
      FaultInjection faults,
      BooleanSupplier cancelled,
      Optional<ChunkGate> gate) {
    long start = System.nanoTime();
    JobSpec spec = prepared.spec();
    InferencePlan plan = prepared.plan();
    String runId = prepared.runId();
    DeltaChunkTable output = new DeltaChunkTable(spark, spec.output().path());
    DeltaChunkTable deadLetter = new DeltaChunkTable(spark, spec.output().deadLetterPath());
    InferenceConfig config = prepared.inference();
    RunKey key = prepared.key();
    LedgerReconciler ledger = new LedgerReconciler(prepared, runs, lease);

    Map<String, Long> outputTxns = output.transactions();
    Optional<OverwritePublication> publication =
        spec.output().mode() == WriteMode.OVERWRITE
            ? Optional.of(
                new OverwritePublication(
                    spark, prepared, output, catalog.pinnedInputs(), runs, lease))
            : Optional.empty();
    boolean published = publication.map(p -> p.published(outputTxns)).orElse(false);
    Map<Integer, PinnedInputs.StagedChunk> staged = new TreeMap<>();
    List<Integer> done;
    if (publication.isPresent()) {
      if (!published) {
        publication.get().checkOutputUnchanged();
      }
      staged.putAll(publication.get().stagedChunks());
      done =
          plan.chunks().stream()
              .map(Chunk::index)
              .filter(c -> published || staged.containsKey(c))
              .toList();
    } else {
      done =
          plan.chunks().stream()
              .map(Chunk::index)
              .filter(c -> outputTxns.containsKey(key.chunkAppId("output", c)))
              .toList();
      output.checkAppendable(config.outputSchema(), "output.path");
    }
    deadLetter.checkAppendable(config.deadLetterSchema(), "output.dead-letter");
    if (!done.isEmpty() && publication.isEmpty()) {
      ledger.checkCommittedSplits(output);
    }
    int rebuilt =
        publication.isPresent()
            ? ledger.reconcileStaged(
                staged,
                published
                    ? output
                        .findCommit(publication.get().appId(), 0)
                        .map(DeltaChunkTable.ChunkCommit::version)
                        .orElse(-1L)
                    : -1L)
            : ledger.reconcile(output, deadLetter, outputTxns);
    BadRowBudget badRowBudget =
        BadRowBudget.of(
            spec.execution().maxBadRowFraction(), deadLetter.path(), runs.chunks(runId));
    badRowBudget.check();

    events.emit(
        new RunEvent.RunPlanned(
            runId,
            plan.chunks().size(),
            plan.totalRows(),
            spec.input().format().specName()
                + " "
                + spec.input().path()
                + (prepared.input().version() >= 0
                    ? " @ version " + prepared.input().version()
                    : ""),
            spec.output().path(),
            prepared.modelLabel(),
            config.model().sha256(),
            runs.get(runId).logPath().orElse("-"),
            done.size(),
            rebuilt));
    runs.transition(lease, RunState.RUNNING, null);

    ChunkScorer scorer =
        new ChunkScorer(
            spark,
            prepared,
            output,
            deadLetter.path(),
            scoredRows,
            faults,
            prepared.columnar()
                && LakeBatchSettings.READ_COLUMNAR.valueFrom(
                    conf -> Optional.ofNullable(spark.conf().get(conf, null))));
    ChunkCommitter committer =
        new ChunkCommitter(
            prepared, runs, lease, catalog.pinnedInputs(), output, deadLetter, publication);
    ChunkAttempts attempts =
        new ChunkAttempts(
            prepared,
            runs,
            lease,
            scorer,
            committer,
            RetryPolicy.of(spec.execution().retries()),
            events);
    List<ChunkOutcome> outcomes = new ArrayList<>();
    List<Chunk> toRun = new ArrayList<>();
    for (Chunk chunk : plan.chunks()) {
      if (done.contains(chunk.index())) {
        outcomes.add(new ChunkOutcome.AlreadyCommitted(chunk.index()));
      } else {
        toRun.add(chunk);
      }
    }
    Map<Integer, Chunk> byIndex = new TreeMap<>();
    toRun.forEach(chunk -> byIndex.put(chunk.index(), chunk));
    BadRowBudget[] budget = {badRowBudget};
    int inFlight =
        LakeBatchSettings.CHUNKS_IN_FLIGHT.valueFrom(
            conf -> Optional.ofNullable(spark.conf().get(conf, null)));
    boolean[] outputExists = {publication.isPresent() || output.exists()};
    new ChunkPipeline(spark, runId, inFlight, gate)
        .run(
            toRun,
            attempts::run,
            // the first commit creates the output table: chunks overlap once it exists
            () -> outputExists[0] || (outputExists[0] = output.exists()),
            chunk -> {
              heartbeat.throwIfFenced();
              if (cancelled.getAsBoolean() || runs.get(runId).cancelRequested()) {
                events.emit(
                    new RunEvent.RunNote(
                        runId,
                        RunEvent.NoteKind.CANCEL,
                        String.format(
                            "run %s: cancel requested; stopping before chunk %d",
                            runId, chunk.index())));
                outcomes.add(new ChunkOutcome.Cancelled(chunk.index()));
                return true;
              }
              return false;
            },
            chunk -> heartbeat.chunkStarted(chunk.rows()),
            outcome -> {
              outcomes.add(outcome);
              heartbeat.chunkEnded(byIndex.get(outcome.chunk()).rows());
              if (outcome instanceof ChunkOutcome.Failed failed) {
                runs.chunkFailed(lease, failed.chunk(), failed.describe());
                return;
              }
              recordDone(runs, lease, outcome);
              heartbeat.beat();
              announceDone(runId, runs, outcome, plan.chunks().size());
              if (outcome instanceof ChunkOutcome.Committed c) {
                budget[0] = budget[0].plus(c.rowsIn(), c.deadLetterRows());
              } else if (outcome instanceof ChunkOutcome.Staged s) {
                budget[0] = budget[0].plus(s.rowsIn(), s.deadLetterRows());
              }
              budget[0].check();
            });
    outcomes.sort(java.util.Comparator.comparingInt(ChunkOutcome::chunk));
    RunOutcomes result = new RunOutcomes(outcomes);
    if (publication.isPresent()
        && !published
        && result.state() == RunState.SUCCEEDED
        && result.allDone(plan.chunks().size())) {
      ChunkCommitter.Published publishedNow = committer.publish();
      events.emit(
          new RunEvent.RunNote(
              runId,
              RunEvent.NoteKind.PUBLISHED,
              String.format(
                  "run %s: %d chunks published to %s in one commit (table version %d)",
                  runId,
                  publishedNow.chunks(),
                  spec.output().path(),
                  publishedNow.tableVersion())));
    }
    RunSummary summary =
        result.summary(
            runId,
            plan.totalRows(),
            plan.chunks().size(),
            config.batchSize(),
            prepared.batchSizeChoice(),
            Duration.ofNanos(System.nanoTime() - start));
    runs.transition(lease, summary.state(), result.detail(plan.chunks().size()));
    return summary;
  }

  /**
   * Records a committed chunk in the ledger (a staged one with table version {@code -1} until
   * published).
   */
  private static void recordDone(RunStore runs, RunLease lease, ChunkOutcome outcome) {
    if (outcome instanceof ChunkOutcome.Committed c) {
      runs.chunkCommitted(
          lease, new ChunkCommit(c.chunk(), c.tableVersion(), c.rowsOut(), c.deadLetterRows()));
    } else if (outcome instanceof ChunkOutcome.Staged s) {
      runs.chunkCommitted(lease, new ChunkCommit(s.chunk(), -1, s.rowsOut(), s.deadLetterRows()));
    }
  }

  /** Tells the listeners a chunk is committed or staged, with the run's progress. */
  private void announceDone(String runId, RunStore runs, ChunkOutcome outcome, int chunks) {
    RunProgress progress = runs.progress(runId);
    if (outcome instanceof ChunkOutcome.Committed c) {
      events.emit(
          new RunEvent.ChunkCommitted(
              runId,
              c.chunk(),
              chunks,
              c.rowsOut(),
              c.deadLetterRows(),
              c.tableVersion(),
              progress));
    } else if (outcome instanceof ChunkOutcome.Staged s) {
      events.emit(
          new RunEvent.ChunkStaged(
              runId, s.chunk(), chunks, s.rowsOut(), s.deadLetterRows(), progress));
    }
    events.emit(new RunEvent.ProgressUpdated(runId, progress));
  }

  static RuntimeException unchecked(Exception e) {
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    return LakeBatchException.findIn(e)
        .map(RuntimeException.class::cast)
        .orElseGet(
            () -> LakeBatchErrors.internal("unexpected " + LakeBatchErrors.rootMessage(e), e));
  }
}
