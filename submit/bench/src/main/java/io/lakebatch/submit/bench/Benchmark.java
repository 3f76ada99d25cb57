package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.jobs.SparkSessionFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakebatch bench}: a suite over model profiles ({@link BenchmarkProfile}). Each profile's
 * rows are scored, in one JVM on the same cores, three ways — (a) the LakeBatch job Delta to Delta,
 * (b) raw ONNX Runtime in a Java loop over rows held in memory with the same batch size and
 * threads, (c) a naive per-row Spark UDF — giving a/b and a/c against their targets, and what
 * {@code batch-size: auto} would choose. The skew section ({@link SkewBenchmark}) and the scaling
 * section ({@link ScalingBenchmark}) follow when chosen. Every path first runs once on a small
 * separate table (unless {@link WarmUp#SKIP}), so JIT compilation and ONNX Runtime start-up are not
 * charged to any one of them. Prints the tables and writes {@code results.csv} and {@code
 * results.json}.
 */
public final class Benchmark {
  private final BenchmarkOptions options;
  private final BenchmarkWorkspace workspace;

  public Benchmark(BenchmarkOptions options) {
    this.options = requireNonNull(options, "options is null");
    this.workspace = new BenchmarkWorkspace(options.out());
  }

  /**
   * Generates models and data, runs the chosen profiles and sections, prints the tables, writes the
   * results.
   */
  public BenchmarkReport run(PrintStream out) {
    workspace.recreate();
    warnIfLoaded(out);
    int cores = options.cores();
    SparkSession spark =
        SparkSessionFactory.create(
            "lakebatch bench", new ResourceSpec("local[" + cores + "]", 1, cores, "4g", 0), 1);
    if (spark.sparkContext().defaultParallelism() != cores) {
      out.printf(
          "benchmark: warning: the SparkSession already running has %d cores, not %d%n",
          spark.sparkContext().defaultParallelism(), cores);
    }
    LakeBatchRunner lakeBatch = new LakeBatchRunner(spark, workspace, cores);

    List<ProfileResult> profiles = new ArrayList<>();
    ProfileBenchmark profileBenchmark = new ProfileBenchmark(spark, workspace, lakeBatch, options);
    for (BenchmarkProfile profile : options.profiles()) {
      long begin = System.nanoTime();
      profiles.add(profileBenchmark.run(profile, out));
      printElapsed(out, profile.cliName(), begin);
    }
    List<SkewMeasurement> skew = List.of();
    if (options.includes(BenchmarkSection.SKEW)) {
      long begin = System.nanoTime();
      skew = new SkewBenchmark(spark, workspace, lakeBatch, options).run(out);
      printElapsed(out, "skew", begin);
    }
    List<ScalingMeasurement> scaling = List.of();
    if (options.includes(BenchmarkSection.SCALING)) {
      long begin = System.nanoTime();
      scaling = new ScalingBenchmark(spark, workspace, lakeBatch, options).run(out);
      printElapsed(out, "scaling", begin);
    }

    BenchmarkReport report = new BenchmarkReport(cores, loadAverage(), profiles, skew, scaling);
    warnIfLoaded(out);
    out.println();
    out.print(report.table());
    writeResults(report);
    out.printf("results: %s, %s%n", workspace.resultsCsv(), workspace.resultsJson());
    out.flush();
    return report;
  }

  /**
   * Elapsed time of a whole step, data generation included, so users see where a run's minutes go.
   */
  private static void printElapsed(PrintStream out, String step, long begin) {
    out.printf(
        Locale.ROOT,
        "[%s] done in %.1f s (data generation, warm-up and all paths)%n",
        step,
        (System.nanoTime() - begin) / 1e9);
    out.flush();
  }

  private void writeResults(BenchmarkReport report) {
    try {
      Files.writeString(workspace.resultsCsv(), report.csv());
      Files.writeString(workspace.resultsJson(), report.json());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write benchmark results to " + workspace.out(), e);
    }
  }

  /**
   * Every path is timed once, one after the other: other processes on the cores skew the
   * comparison.
   */
  private static void warnIfLoaded(PrintStream out) {
    double load = loadAverage();
    int cpus = Runtime.getRuntime().availableProcessors();
    if (load > cpus * 0.5) {
      out.printf(
          Locale.ROOT,
          "benchmark: warning: system load average %.1f on %d CPUs; other processes compete for"
              + " the cores, so rates are low and the paths, timed one after another, may not be comparable%n",
          load,
          cpus);
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
