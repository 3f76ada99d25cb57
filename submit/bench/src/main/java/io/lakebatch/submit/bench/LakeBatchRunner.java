package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

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
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;

/**
 * Path (a): writes a job spec for a profile and runs it through {@link InferenceJob} exactly as {@code lakebatch run}
 * does, Delta to Delta, timing {@code prepare} plus {@code run}.
 */
final class LakeBatchRunner {
  private final SparkSession spark;
  private final BenchmarkWorkspace workspace;
  private final int cores;
  private final Catalog catalog;

  LakeBatchRunner(SparkSession spark, BenchmarkWorkspace workspace, int cores) {
    this.spark = requireNonNull(spark, "spark is null");
    this.workspace = requireNonNull(workspace, "workspace is null");
    this.cores = cores;
    this.catalog = Catalog.open(CatalogConfig.embedded(workspace.home()));
  }

  /**
   * One timed LakeBatch run: what was planned, what it did, the wall time of prepare plus run, and of
   * prepare alone.
   */
  record TimedRun(PreparedRun prepared, RunSummary summary, Duration wall, Duration prepare) {
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
  Path writeSpec(Path file, String name, BenchmarkProfile profile, Path input, Path output, String batchSize) {
    JobSpecBuilder spec = JobSpec.builder(name)
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
  PreparedRun prepare(Path specFile, PrintStream progress) {
    try {
      return job(progress).prepare(JobSpecParser.parse(specFile));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * Prepares and runs a spec, timing both, and checks that every one of {@code rows} rows was written.
   *
   * @param progress where the job prints progress and its summary
   */
  TimedRun run(Path specFile, long rows, PrintStream progress) {
    JobSpec spec = JobSpecParser.parse(specFile);
    InferenceJob job = job(progress);
    long begin = System.nanoTime();
    PreparedRun prepared;
    RunSummary summary;
    Duration prepare;
    try {
      prepared = job.prepare(spec);
      prepare = Duration.ofNanos(System.nanoTime() - begin);
      summary = job.run(prepared);
    } finally {
      // InferenceJob leaves its last chunk's job description set; later jobs are not part of the run
      spark.sparkContext().setJobDescription(null);
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - begin);
    if (summary.rowsOut() != rows) {
      throw LakeBatchErrors.internal(String.format("benchmark job %s wrote %,d rows to %s, expected %,d (%s)",
          spec.name(), summary.rowsOut(), spec.output().path(), rows, summary.state()), null);
    }
    return new TimedRun(prepared, summary, wall, prepare);
  }

  private InferenceJob job(PrintStream progress) {
    return new InferenceJob(spark, progress, catalog, workspace.home().resolve("runs"));
  }
}
