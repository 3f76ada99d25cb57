package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.RunPlan;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.bench.BenchmarkWorkspace.CaseFolder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The skew section: the mlp profile's LakeBatch run on the same rows laid out three ways ({@link
 * SkewLayout}), each wall time compared with the uniform layout's, next to the skew the planner
 * estimated.
 */
final class SkewBenchmark {
  private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());
  private static final BenchmarkProfile PROFILE = BenchmarkProfile.MLP;

  private final SparkSession spark;
  private final BenchmarkWorkspace workspace;
  private final LakeBatchRunner lakeBatch;
  private final BenchmarkOptions options;

  SkewBenchmark(
      SparkSession spark,
      BenchmarkWorkspace workspace,
      LakeBatchRunner lakeBatch,
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
      out.printf(
          "[skew] generating %,d rows, %s%n", rows, layout.description(cores, options.tinyFiles()));
      out.flush();
      SyntheticTables.write(
          spark,
          layout.tableOptions(rows, cores, options.tinyFiles()),
          ProfileBenchmark.location(workspace.skew(layout.id()).input()));
    }
    if (options.warmUp() == WarmUp.RUN) {
      CaseFolder warmUp = workspace.skew("warm-up");
      long warmUpRows = Math.min(rows, PROFILE.warmUpRows());
      SyntheticTables.write(
          spark, PROFILE.tableOptions(warmUpRows), ProfileBenchmark.location(warmUp.input()));
      out.println("[skew] LakeBatch warm-up run");
      out.flush();
      lakeBatch.run(
          lakeBatch.writeSpec(
              warmUp.spec("lakebatch"),
              "bench-skew-warm-up",
              PROFILE,
              warmUp.input(),
              warmUp.lakeBatchOutput(),
              batch),
          warmUpRows,
          DISCARD);
    }
    // Rounds run the layouts in turn, so a slow spell of the machine hits every layout, not one.
    Map<SkewLayout, List<LakeBatchRunner.TimedRun>> runs = new EnumMap<>(SkewLayout.class);
    for (int round = 1; round <= options.skewRounds(); round++) {
      for (SkewLayout layout : SkewLayout.values()) {
        CaseFolder files = workspace.skew(layout.id());
        BenchmarkWorkspace.delete(files.lakeBatchOutput());
        LakeBatchRunner.TimedRun timed =
            lakeBatch.run(
                lakeBatch.writeSpec(
                    files.spec("lakebatch"),
                    "bench-skew-" + layout.id() + "-" + round,
                    PROFILE,
                    files.input(),
                    files.lakeBatchOutput(),
                    batch),
                rows,
                DISCARD);
        out.printf(
            Locale.ROOT,
            "[skew] round %d/%d, %s: %.2f s (prepare %.2f s)%n",
            round,
            options.skewRounds(),
            layout.id(),
            timed.seconds(),
            timed.prepareSeconds());
        out.flush();
        runs.computeIfAbsent(layout, l -> new ArrayList<>()).add(timed);
      }
    }
    List<SkewMeasurement> measurements = new ArrayList<>();
    double uniformSeconds = median(runs.get(SkewLayout.UNIFORM)).seconds();
    for (SkewLayout layout : SkewLayout.values()) {
      LakeBatchRunner.TimedRun timed = median(runs.get(layout));
      RunPlan prepared = timed.prepared();
      SkewMeasurement measurement =
          new SkewMeasurement(
              layout,
              layout.description(cores, options.tinyFiles()),
              rows,
              prepared.plan().fileCount(),
              prepared.plan().taskCount(),
              timed.wall(),
              timed.prepare(),
              options.skewRounds(),
              prepared.plan().estimatedSkew(),
              prepared.plan().estimatedCostSkew(),
              timed.seconds() / uniformSeconds);
      out.printf(
          Locale.ROOT,
          "[skew] %s: median %.2f s of %d, %d files, %d tasks, estimated skew %.2f%n",
          layout.id(),
          measurement.seconds(),
          options.skewRounds(),
          measurement.files(),
          measurement.tasks(),
          measurement.estimatedSkew());
      measurements.add(measurement);
    }
    return measurements;
  }

  /** The run of median wall time (the upper median of an even count). */
  private static LakeBatchRunner.TimedRun median(List<LakeBatchRunner.TimedRun> runs) {
    List<LakeBatchRunner.TimedRun> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparing(LakeBatchRunner.TimedRun::wall));
    return sorted.get(sorted.size() / 2);
  }
}
