package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunOptions;
import io.lakebatch.api.RunPlan;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecBuilder;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.JobSpecYaml;
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.spec.WriteMode;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;

/**
 * Path (a): writes a job spec for a profile and runs it through {@link LakeBatch} exactly as {@code
 * lakebatch run} does, Delta to Delta, timing preparation plus run.
 */
final class LakeBatchRunner {
  private final SparkSession spark;
  private final BenchmarkWorkspace workspace;
  private final int cores;
  private final LakeBatch lakeBatch;

  LakeBatchRunner(SparkSession spark, BenchmarkWorkspace workspace, int cores) {
    this.spark = requireNonNull(spark, "spark is null");
    this.workspace = requireNonNull(workspace, "workspace is null");
    this.cores = cores;
    this.lakeBatch =
        LakeBatch.with(spark, Catalog.open(CatalogConfig.embedded(workspace.home())))
            .withRunFolders(workspace.home().resolve("runs"));
  }

  /**
   * One timed LakeBatch run: what was planned, what it did, the wall time of prepare plus run, and
   * of prepare alone.
   */
  record TimedRun(RunPlan prepared, RunSummary summary, Duration wall, Duration prepare) {
    double seconds() {
      return wall.toNanos() / 1e9;
    }

    double prepareSeconds() {
      return prepare.toNanos() / 1e9;
    }
  }

  /** The {@code execution.batch-size} of a spec: a number of rows, or {@code auto}. */
  static String fixedBatch(BenchmarkProfile profile) {
    return Integer.toString(profile.batchSize());
  }

  static final String AUTO_BATCH = "auto";

  /** Writes a spec scoring {@code input} with the profile's model into {@code output} (append). */
  Path writeSpec(
      Path file, String name, BenchmarkProfile profile, Path input, Path output, String batchSize) {
    JobSpecBuilder spec =
        JobSpec.builder(name)
            .modelPath(workspace.model(profile).toAbsolutePath().toString())
            .modelOutput(profile.modelOutput(), "score")
            .input(TableFormat.DELTA, input.toAbsolutePath().toString())
            .carry("id")
            .output(output.toAbsolutePath().toString())
            .mode(WriteMode.APPEND)
            .rowsPerChunk(SpecDefaults.ROWS_PER_CHUNK)
            .master("local[" + cores + "]")
            .executors(1)
            .executorCores(cores);
    profile.modelInputs().forEach(spec::modelInput);
    if (batchSize.equals(AUTO_BATCH)) {
      spec.autoBatchSize();
    } else {
      spec.batchSize(Integer.parseInt(batchSize));
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, JobSpecYaml.write(spec.build()));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write benchmark spec " + file, e);
    }
    return file;
  }

  /** Plans a spec without running it (for {@code batch-size: auto}, this probes the batch size). */
  RunPlan prepare(Path specFile, PrintStream progress) {
    return lakeBatch.plan(JobSpecParser.parse(specFile), options(progress));
  }

  /**
   * Prepares and runs a spec, timing both, and checks that every one of {@code rows} rows was
   * written.
   *
   * @param progress where the job prints progress and its summary
   */
  TimedRun run(Path specFile, long rows, PrintStream progress) {
    JobSpec spec = JobSpecParser.parse(specFile);
    long begin = System.nanoTime();
    // run() returns once the run is prepared and registered; its chunks run on the run's own thread
    RunHandle handle = lakeBatch.run(spec, options(progress));
    Duration prepare = Duration.ofNanos(System.nanoTime() - begin);
    RunSummary summary = handle.await();
    Duration wall = Duration.ofNanos(System.nanoTime() - begin);
    if (summary.rowsOut() != rows) {
      throw LakeBatchErrors.internal(
          String.format(
              "benchmark job %s wrote %,d rows to %s, expected %,d (%s)",
              spec.name(), summary.rowsOut(), spec.output().path(), rows, summary.state()),
          null);
    }
    return new TimedRun(handle.plan(), summary, wall, prepare);
  }

  private static RunOptions options(PrintStream progress) {
    return RunOptions.defaults().withListener(new ConsoleRunListener(progress));
  }
}
