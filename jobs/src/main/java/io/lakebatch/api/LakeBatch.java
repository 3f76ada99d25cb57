package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.jobs.HomeFolder;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * LakeBatch as a library: plan, run and follow batch-inference jobs on a {@link SparkSession}, with
 * runs recorded in a {@link Catalog} (model registry and run store). This is what {@code lakebatch
 * run}, {@code plan} and {@code quickstart} use.
 *
 * <pre>{@code
 * LakeBatch lakeBatch = LakeBatch.with(spark);
 * RunHandle run = lakeBatch.run(JobSpecParser.parse(Path.of("job.yaml")));
 * RunSummary summary = run.await();   // or run.progress(), run.cancel()
 * }</pre>
 *
 * <p>A run's chunks execute on a thread of the run's own, in a Spark job group named after the run,
 * so several runs may overlap in one JVM and one session; each run's driver log gets only its own
 * lines. A rerun of a spec resumes the job's unfinished run: nothing committed is recomputed,
 * nothing is written twice.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class LakeBatch implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final SparkSession spark;
  private final Catalog catalog;
  private final boolean ownsCatalog;
  private final Path runFolders;

  private LakeBatch(SparkSession spark, Catalog catalog, boolean ownsCatalog, Path runFolders) {
    this.spark = requireNonNull(spark, "spark is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.ownsCatalog = ownsCatalog;
    this.runFolders = requireNonNull(runFolders, "runFolders is null");
  }

  /**
   * LakeBatch on {@code spark} with the catalog of the LakeBatch home, as the CLI opens it: the
   * folder named by the system property {@code lakebatch.home}, else {@code $LAKEBATCH_HOME}, else
   * {@code .lakebatch}; its {@code lakebatch.yaml} names the catalog database (default: an embedded
   * one in that folder). Run folders (driver logs) go to {@code <home>/runs}. {@link #close()}
   * closes that catalog.
   */
  public static LakeBatch with(SparkSession spark) {
    Path home = HomeFolder.resolve();
    return new LakeBatch(
        spark, Catalog.open(CatalogConfig.load(home, System.getenv())), true, home.resolve("runs"));
  }

  /**
   * LakeBatch on {@code spark} recording runs in {@code catalog}; run folders (driver logs) go to
   * the LakeBatch home's {@code runs} folder unless {@link #withRunFolders} says otherwise.
   */
  public static LakeBatch with(SparkSession spark, Catalog catalog) {
    return new LakeBatch(spark, catalog, false, HomeFolder.runFolders());
  }

  /**
   * This LakeBatch creating each run's folder (its {@code driver.log}) under {@code runFolders}.
   */
  public LakeBatch withRunFolders(Path runFolders) {
    return new LakeBatch(spark, catalog, ownsCatalog, runFolders);
  }

  /** The catalog runs are recorded in. */
  public Catalog catalog() {
    return catalog;
  }

  /** {@link #plan(JobSpec, RunOptions)} with the default options. */
  public RunPlan plan(JobSpec spec) {
    return plan(spec, RunOptions.defaults());
  }

  /**
   * Checks a spec against the registry, the input and the model and plans its run without running
   * it, as {@code lakebatch plan} does: the model is loaded and a preflight batch of real rows
   * scored on the driver ({@code batch-size: auto} also probes on an executor); nothing is
   * registered or written. The listeners get the preparation's notes (resume, preflight, batch
   * size).
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException a spec, data or model error, with its
   *     category
   */
  public RunPlan plan(JobSpec spec, RunOptions options) {
    return planOf(job(options).prepare(spec, options.start()));
  }

  /** {@link #run(JobSpec, RunOptions)} with the default options. */
  public RunHandle run(JobSpec spec) {
    return run(spec, RunOptions.defaults());
  }

  /**
   * Starts the job's run and returns at once with its handle. The run is prepared (as by {@link
   * #plan}) and registered in the run store on the calling thread, so spec, data and model errors
   * are thrown here; then its chunks run on a new thread, and {@link RunHandle#await()} returns the
   * summary or throws what stopped the run.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException a spec, data or model error found while
   *     preparing
   */
  public RunHandle run(JobSpec spec, RunOptions options) {
    InferenceJob job = job(options);
    PreparedRun prepared = job.prepare(spec, options.start());
    catalog.runs().register(prepared.newRun());
    RunHandle handle =
        new RunHandle(planOf(prepared), catalog.runs(), InferenceJob.livenessTimeout(spark));
    Thread thread =
        new Thread(
            () -> execute(job, prepared, handle, options.gate()),
            "lakebatch-run-" + THREADS.incrementAndGet() + "-" + prepared.runId());
    thread.start();
    return handle;
  }

  /** How far run {@code runId} is (any run of the catalog, live or ended), from the run store. */
  public RunProgress status(String runId) {
    return catalog.runs().progress(requireNonNull(runId, "runId is null"));
  }

  /**
   * Scores {@code frame} lazily: the same batched ONNX Runtime scoring as a job (session cache,
   * columnar fill, output decoding), as a transformation that keeps every column of {@code frame}
   * and appends the model's outputs and {@code _lakebatch_error} (null for a row that scored; else
   * why it did not, and null outputs). No Spark job runs until an action.
   *
   * @param model a model file (local path or Hadoop URI) or a registry reference {@code
   *     name@version} or {@code name@latest} of this instance's catalog
   * @param inputs model input name to where its tensor comes from, as {@code model.inputs} in a
   *     spec
   * @param outputs model output name to column name; empty = every output under its own name
   */
  public Dataset<Row> score(
      Dataset<Row> frame,
      String model,
      Map<String, InputBinding> inputs,
      Map<String, String> outputs) {
    return DataFrameScorer.withRegistry(catalog.models()).score(frame, model, inputs, outputs);
  }

  /**
   * Closes the catalog if {@link #with(SparkSession)} opened it; a catalog passed in stays open.
   */
  @Override
  public void close() {
    if (ownsCatalog) {
      catalog.close();
    }
  }

  private void execute(
      InferenceJob job, PreparedRun prepared, RunHandle handle, Optional<ChunkGate> gate) {
    String runId = prepared.runId();
    spark.sparkContext().setJobGroup("lakebatch-" + runId, "lakebatch " + runId, false);
    try {
      handle.complete(job.run(prepared, handle::cancelRequested, gate));
    } catch (Throwable e) { // the handle hands every failure to whoever awaits it
      handle.fail(e);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private InferenceJob job(RunOptions options) {
    return new InferenceJob(spark, catalog, runFolders, options.listeners());
  }

  private static RunPlan planOf(PreparedRun prepared) {
    return new RunPlan(
        prepared.runId(),
        prepared.plan(),
        prepared.inference().batchSize(),
        prepared.batchSizeChoice(),
        prepared.describe());
  }
}
