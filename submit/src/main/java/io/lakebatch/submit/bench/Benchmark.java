package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.RunSummary;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.OrtSessionCache;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code lakebatch bench}: scores the same rows, in one JVM on the same cores, three ways — (a) the
 * LakeBatch job Delta → Delta, (b) raw ONNX Runtime in a Java loop over the rows held in memory with
 * the same batch size and threads, (c) a naive per-row Spark UDF — and prints rows/s of each with the
 * ratios a/b and a/c. Every path first runs once on a small separate table, so JIT compilation and
 * ONNX Runtime start-up are not charged to any one of them.
 */
public final class Benchmark {
  public static final int FEATURES = 32;
  public static final int HIDDEN = 256;
  public static final int DEPTH = 3;
  public static final int BATCH_SIZE = 1024;
  /** Rows of the warm-up table each path scores before it is timed. */
  public static final long WARM_UP_ROWS = 20_000;
  /** The timed LakeBatch run commits in this many chunks, so commit cost is part of what is measured. */
  static final int CHUNKS = 4;

  private static final String MODEL_INPUT = "features";
  private static final String MODEL_OUTPUT = "score";
  private static final String MODEL_DESCRIPTION = "MLP " + FEATURES + "-" + HIDDEN + "x" + DEPTH + "-1";

  private final BenchmarkOptions options;
  private final BenchmarkWorkspace workspace;

  public Benchmark(BenchmarkOptions options) {
    this.options = requireNonNull(options, "options is null");
    this.workspace = new BenchmarkWorkspace(options.out());
  }

  /** Generates model and data, times the three paths, prints the table and writes results.csv and results.json. */
  public BenchmarkReport run(PrintStream out) {
    workspace.recreate();
    out.printf("benchmark: generating %s and %,d + %,d warm-up rows under %s%n", MODEL_DESCRIPTION, options.rows(),
        WARM_UP_ROWS, workspace.root());
    out.flush();
    ModelGenerator.write(ModelKind.MLP,
        ModelOptions.defaults().withFeatures(FEATURES).withHidden(HIDDEN).withDepth(DEPTH), workspace.model());
    int cores = options.cores();
    SparkSession spark = SparkSessionFactory.create("lakebatch bench",
        new ResourceSpec("local[" + cores + "]", 1, cores, "4g", 0), 1);
    if (spark.sparkContext().defaultParallelism() != cores) {
      out.printf("benchmark: warning: the SparkSession already running has %d cores, not %d%n",
          spark.sparkContext().defaultParallelism(), cores);
    }
    SyntheticTables.write(spark, SyntheticTableOptions.of(options.rows(), FEATURES, TableFormat.DELTA),
        location(workspace.input()));
    SyntheticTables.write(spark, SyntheticTableOptions.of(WARM_UP_ROWS, FEATURES, TableFormat.DELTA),
        location(workspace.warmUpInput()));

    PathTiming lakeBatch = timeLakeBatch(spark, out);
    PathTiming rawOrt = timeRawOrt(spark, out);
    PathTiming naiveUdf = timeNaiveUdf(spark, out);

    BenchmarkReport report = new BenchmarkReport(options.rows(), FEATURES, MODEL_DESCRIPTION, BATCH_SIZE, cores,
        lakeBatch, rawOrt, naiveUdf);
    out.println();
    out.print(report.table());
    writeResults(report);
    out.printf("results: %s, %s%n", workspace.resultsCsv(), workspace.resultsJson());
    out.flush();
    return report;
  }

  private PathTiming timeLakeBatch(SparkSession spark, PrintStream out) {
    writeSpec(workspace.warmUpSpec(), "bench-warm-up", workspace.warmUpInput(), workspace.warmUpLakeBatchOutput(),
        WARM_UP_ROWS);
    writeSpec(workspace.lakeBatchSpec(), "bench", workspace.input(), workspace.lakeBatchOutput(), options.rows());
    out.println("(a) LakeBatch: warming up");
    out.flush();
    runLakeBatch(spark, workspace.warmUpSpec(), WARM_UP_ROWS, new PrintStream(OutputStream.nullOutputStream()));
    out.println("(a) LakeBatch: timed run");
    out.flush();
    RunSummary summary = runLakeBatch(spark, workspace.lakeBatchSpec(), options.rows(), out);
    out.print(summary.render());
    return new PathTiming(BenchmarkPath.LAKEBATCH, options.rows(), lastLakeBatchWall);
  }

  private Duration lastLakeBatchWall;

  private RunSummary runLakeBatch(SparkSession spark, Path specFile, long rows, PrintStream progress) {
    JobSpec spec = JobSpecParser.parse(specFile);
    InferenceJob job = new InferenceJob(spark, progress);
    long begin = System.nanoTime();
    RunSummary summary = job.run(job.prepare(spec));
    lastLakeBatchWall = Duration.ofNanos(System.nanoTime() - begin);
    if (summary.rowsOut() != rows) {
      throw LakeBatchErrors.internal(String.format("benchmark job %s wrote %,d rows to %s, expected %,d",
          spec.name(), summary.rowsOut(), spec.output().path(), rows), null);
    }
    return summary;
  }
}
