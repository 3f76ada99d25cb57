package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.bench.BenchmarkWorkspace.CaseFolder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The skew section: the mlp profile's LakeBatch run on the same rows laid out three ways ({@link SkewLayout}), each
 * wall time compared with the uniform layout's, next to the skew the planner estimated.
 */
final class SkewBenchmark {
  private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());
  private static final BenchmarkProfile PROFILE = BenchmarkProfile.MLP;

  private final SparkSession spark;
  private final BenchmarkWorkspace workspace;
  private final LakeBatchRunner lakeBatch;
  private final BenchmarkOptions options;

  SkewBenchmark(SparkSession spark, BenchmarkWorkspace workspace, LakeBatchRunner lakeBatch,
      BenchmarkOptions options) {
    this.spark = requireNonNull(spark, "spark is null");
    this.workspace = requireNonNull(workspace, "workspace is null");
    this.lakeBatch = requireNonNull(lakeBatch, "lakeBatch is null");
    this.options = requireNonNull(options, "options is null");
  }

  List<SkewMeasurement> run(PrintStream out) {
    long rows = options.skewRows();
    int cores = options.cores();
    ProfileBenchmark.writeModel(workspace, PROFILE);
    String batch = LakeBatchRunner.fixedBatch(PROFILE);
    for (SkewLayout layout : SkewLayout.values()) {
      out.printf("[skew] generating %,d rows, %s%n", rows, layout.description(cores, options.tinyFiles()));
      out.flush();
      SyntheticTables.write(spark, layout.tableOptions(rows, cores, options.tinyFiles()),
          ProfileBenchmark.location(workspace.skew(layout.id()).input()));
    }
    if (options.warmUp() == WarmUp.RUN) {
      CaseFolder warmUp = workspace.skew("warm-up");
      long warmUpRows = Math.min(rows, PROFILE.warmUpRows());
      SyntheticTables.write(spark, PROFILE.tableOptions(warmUpRows), ProfileBenchmark.location(warmUp.input()));
      out.println("[skew] LakeBatch warm-up run");
      out.flush();
      lakeBatch.run(lakeBatch.writeSpec(warmUp.spec("lakebatch"), "bench-skew-warm-up", PROFILE, warmUp.input(),
          warmUp.lakeBatchOutput(), batch), warmUpRows, DISCARD);
    }
    List<SkewMeasurement> measurements = new ArrayList<>();
    double uniformSeconds = 0;
    for (SkewLayout layout : SkewLayout.values()) {
      CaseFolder files = workspace.skew(layout.id());
      out.printf("[skew] %s: timed LakeBatch run%n", layout.id());
      out.flush();
      LakeBatchRunner.TimedRun timed = lakeBatch.run(lakeBatch.writeSpec(files.spec("lakebatch"),
          "bench-skew-" + layout.id(), PROFILE, files.input(), files.lakeBatchOutput(), batch), rows, DISCARD);
      PreparedRun prepared = timed.prepared();
      if (layout == SkewLayout.UNIFORM) {
        uniformSeconds = timed.seconds();
      }
      SkewMeasurement measurement = new SkewMeasurement(layout, layout.description(cores, options.tinyFiles()), rows,
          prepared.plan().fileCount(), prepared.plan().taskCount(), timed.wall(), prepared.plan().estimatedSkew(),
          prepared.plan().estimatedCostSkew(), timed.seconds() / uniformSeconds);
      out.printf("[skew] %s: %.2f s, %d files, %d tasks, estimated skew %.2f%n", layout.id(),
          measurement.seconds(), measurement.files(), measurement.tasks(), measurement.estimatedSkew());
      measurements.add(measurement);
    }
    return measurements;
  }
}
