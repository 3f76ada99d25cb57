package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.ChunkGate;
import io.lakebatch.api.RunListener;
import io.lakebatch.api.RunStart;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.RunOwner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a job spec chunk by chunk, in the calling thread: {@link RunPreparer} plans it on the
 * driver, {@link RunExecutor} scores each chunk ({@link ChunkScorer}), commits it to Delta in one
 * idempotent transaction ({@link ChunkCommitter}) and skips what an earlier attempt committed
 * ({@link LedgerReconciler}). Internal: applications use {@link io.lakebatch.api.LakeBatch}, which
 * runs this on a thread of the run's own.
 *
 * <p>A chunk is scored once; its invalid rows are committed to the dead-letter table first and its
 * scored rows to the output second, each under the chunk's own transaction id. The output commit
 * therefore marks a chunk done; a crash between the two commits reruns the chunk, and Delta skips
 * the dead-letter write whose id is already recorded. Nothing here prints: progress, notes and the
 * end are {@link io.lakebatch.api.RunEvent}s to the listeners (and, through the logging listener,
 * to the run's driver log).
 */
public final class InferenceJob {
  /** Spark conf that turns the columnar read path off ({@code false}), e.g. to compare the two. */
  public static final String COLUMNAR_CONF = LakeBatchSettings.READ_COLUMNAR.key();

  /**
   * Spark conf: how long a driver may go without a heartbeat (database clock) before another driver
   * may take its run over; a Spark time string, default 60s.
   */
  public static final String LIVENESS_TIMEOUT_CONF = LakeBatchSettings.LIVENESS_TIMEOUT.key();

  private final SparkSession spark;
  private final Catalog catalog;
  private final Path runFolders;
  private final RunEvents events;
  private final RunOwner owner = RunOwner.current();

  /**
   * @param catalog model registry and run store
   * @param runFolders where each run's folder (its driver log) is created: {@code <home>/runs}
   * @param listeners told of every event of the runs this job prepares and runs, in this order
   */
  public InferenceJob(
      SparkSession spark, Catalog catalog, Path runFolders, List<RunListener> listeners) {
    this.spark = requireNonNull(spark, "spark is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.runFolders = requireNonNull(runFolders, "runFolders is null");
    this.events = RunEvents.of(requireNonNull(listeners, "listeners is null"));
  }

  /** {@link #InferenceJob(SparkSession, Catalog, Path, List)} with one listener. */
  public InferenceJob(SparkSession spark, Catalog catalog, Path runFolders, RunListener listener) {
    this(spark, catalog, runFolders, List.of(listener));
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
   * see {@link io.lakebatch.catalog.spec.RunIdentity}) has an unfinished run, that run is resumed:
   * its input is opened as the run pinned it (Delta version and files) and its plan is the one
   * stored at its first attempt. If the pinned input can no longer be read as it was, this fails
   * naming the version or file; it never re-plans silently. Otherwise the input is pinned now, at
   * {@code input.version} or its latest.
   */
  public PreparedRun prepare(JobSpec spec, RunStart start) {
    // Lines logged while preparing belong to no run yet: keep them out of other runs' driver logs.
    try (RunLog.Tag ignored = RunLog.tag("preparing " + spec.name())) {
      return new RunPreparer(spark, catalog, events).prepare(spec, start);
    }
  }

  /**
   * Runs every chunk not yet committed and returns the summary. The run is registered in the run
   * store (or found there, for a rerun), taken by this process, and its ledger is made to agree
   * with the output table's Delta log before the first chunk; its driver log goes to {@code
   * <home>/runs/<run>/driver.log}.
   */
  public RunSummary run(PreparedRun prepared) {
    return run(prepared, () -> false);
  }

  /**
   * As {@link #run(PreparedRun)}, also stopping at the next chunk boundary once {@code cancelled}
   * says so (as when {@code lakebatch cancel} flags the run in the store).
   */
  public RunSummary run(PreparedRun prepared, BooleanSupplier cancelled) {
    return run(prepared, cancelled, Optional.empty());
  }

  /**
   * As {@link #run(PreparedRun, BooleanSupplier)}, each chunk starting only when {@code gate}
   * grants it, if there is one.
   */
  public RunSummary run(PreparedRun prepared, BooleanSupplier cancelled, Optional<ChunkGate> gate) {
    return new RunExecutor(spark, catalog, runFolders, events, owner)
        .run(
            prepared,
            requireNonNull(cancelled, "cancelled is null"),
            requireNonNull(gate, "gate is null"));
  }

  /**
   * How long a driver may go without a heartbeat before another may take its run ({@link
   * #LIVENESS_TIMEOUT_CONF}).
   */
  public static Duration livenessTimeout(SparkSession spark) {
    return LakeBatchSettings.LIVENESS_TIMEOUT.valueFrom(
        key -> Optional.ofNullable(spark.conf().get(key, null)));
  }

  /** This job with {@code more} listeners after its own. */
  public InferenceJob withListeners(List<RunListener> more) {
    return new InferenceJob(spark, catalog, runFolders, events.with(more));
  }

  private InferenceJob(SparkSession spark, Catalog catalog, Path runFolders, RunEvents events) {
    this.spark = spark;
    this.catalog = catalog;
    this.runFolders = runFolders;
    this.events = events;
  }
}
