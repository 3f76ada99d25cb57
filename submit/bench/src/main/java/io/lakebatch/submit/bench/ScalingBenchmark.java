package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.bench.BenchmarkWorkspace.CaseFolder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The scaling section: the mlp profile's LakeBatch run at growing sizes, each on a fresh table,
 * with ns/row and the JVM's peak heap and resident set during the run. Each size's tables are
 * deleted after its run.
 */
final class ScalingBenchmark {
  private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());
  private static final BenchmarkProfile PROFILE = BenchmarkProfile.MLP;

  private final SparkSession spark;
  private final BenchmarkWorkspace workspace;
  private final LakeBatchRunner lakeBatch;
  private final BenchmarkOptions options;

  ScalingBenchmark(
      SparkSession spark,
      BenchmarkWorkspace workspace,
      LakeBatchRunner lakeBatch,
      BenchmarkOptions options) {
    this.spark = requireNonNull(spark, "spark is null");
    this.workspace = requireNonNull(workspace, "workspace is null");
    this.lakeBatch = requireNonNull(lakeBatch, "lakeBatch is null");
    this.options = requireNonNull(options, "options is null");
  }

  List<ScalingMeasurement> run(PrintStream out) {
    ProfileBenchmark.writeModel(workspace, PROFILE);
    String batch = LakeBatchRunner.fixedBatch(PROFILE);
    if (options.warmUp() == WarmUp.RUN) {
      CaseFolder warmUp = workspace.scaling(0);
      long warmUpRows = PROFILE.warmUpRows();
      SyntheticTables.write(
          spark, PROFILE.tableOptions(warmUpRows), ProfileBenchmark.location(warmUp.input()));
      out.println("[scaling] LakeBatch warm-up run");
      out.flush();
      lakeBatch.run(
          lakeBatch.writeSpec(
              warmUp.spec("lakebatch"),
              "bench-scaling-warm-up",
              PROFILE,
              warmUp.input(),
              warmUp.lakeBatchOutput(),
              batch),
          warmUpRows,
          DISCARD);
      BenchmarkWorkspace.delete(warmUp.folder());
    }
    List<ScalingMeasurement> measurements = new ArrayList<>();
    for (long rows : options.scalingRows()) {
      CaseFolder files = workspace.scaling(rows);
      out.printf("[scaling] generating %,d rows%n", rows);
      out.flush();
      SyntheticTables.write(
          spark, PROFILE.tableOptions(rows), ProfileBenchmark.location(files.input()));
      System.gc();
      PeakMemory.RssScope scope = PeakMemory.reset();
      LakeBatchRunner.TimedRun timed =
          lakeBatch.run(
              lakeBatch.writeSpec(
                  files.spec("lakebatch"),
                  "bench-scaling-" + rows,
                  PROFILE,
                  files.input(),
                  files.lakeBatchOutput(),
                  batch),
              rows,
              DISCARD);
      ScalingMeasurement measurement =
          new ScalingMeasurement(rows, timed.wall(), timed.prepare(), PeakMemory.read(scope));
      out.printf(
          Locale.ROOT,
          "[scaling] %,d rows: %.2f s (prepare %.2f s), %.0f ns/row, %.0f ns/row after prepare%n",
          rows,
          measurement.seconds(),
          measurement.prepareSeconds(),
          measurement.nanosPerRow(),
          measurement.runNanosPerRow());
      measurements.add(measurement);
      BenchmarkWorkspace.delete(files.folder());
    }
    return measurements;
  }
}
