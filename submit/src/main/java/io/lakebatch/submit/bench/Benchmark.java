package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
    warnIfLoaded(out);
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
    warnIfLoaded(out);
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
    out.println("(a) LakeBatch: warm-up run");
    out.flush();
    runLakeBatch(spark, workspace.warmUpSpec(), WARM_UP_ROWS, new PrintStream(OutputStream.nullOutputStream()));
    out.println("(a) LakeBatch: timed run (prepare + run)");
    out.flush();
    TimedRun timed = runLakeBatch(spark, workspace.lakeBatchSpec(), options.rows(), out);
    out.print(timed.summary().render());
    out.flush();
    // InferenceJob leaves its last chunk's job description set; later jobs are not part of the run
    spark.sparkContext().setJobDescription(null);
    return new PathTiming(BenchmarkPath.LAKEBATCH, options.rows(), timed.wall());
  }

  private record TimedRun(RunSummary summary, Duration wall) {}

  private TimedRun runLakeBatch(SparkSession spark, Path specFile, long rows, PrintStream progress) {
    JobSpec spec = JobSpecParser.parse(specFile);
    Path home = workspace.root().resolve("home");
    InferenceJob job = new InferenceJob(spark, progress, Catalog.open(CatalogConfig.embedded(home)), home.resolve("runs"));
    long begin = System.nanoTime();
    RunSummary summary = job.run(job.prepare(spec));
    Duration wall = Duration.ofNanos(System.nanoTime() - begin);
    if (summary.rowsOut() != rows) {
      throw LakeBatchErrors.internal(String.format("benchmark job %s wrote %,d rows to %s, expected %,d (%s)",
          spec.name(), summary.rowsOut(), spec.output().path(), rows, summary.state()), null);
    }
    return new TimedRun(summary, wall);
  }

  private void writeSpec(Path file, String name, Path input, Path output, long rows) {
    String features = String.join(", ", featureColumns());
    String text = """
        name: %s
        model:
          path: %s
          inputs:
            %s: [%s]
          outputs:
            %s: %s
        input:
          format: delta
          path: %s
          carry: [id]
        output:
          path: %s
          mode: append
        execution:
          batch-size: %d
          rows-per-chunk: %d
        resources:
          master: local[%d]
          executors: 1
          executor-cores: %d
        """.formatted(name, yamlString(workspace.model()), MODEL_INPUT, features, MODEL_OUTPUT, MODEL_OUTPUT,
        yamlString(input), yamlString(output), BATCH_SIZE, io.lakebatch.catalog.spec.SpecDefaults.ROWS_PER_CHUNK, options.cores(),
        options.cores());
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write benchmark spec " + file, e);
    }
  }

  private PathTiming timeRawOrt(SparkSession spark, PrintStream out) {
    out.println("(b) raw ONNX Runtime: collecting features into memory (not timed)");
    out.flush();
    float[] matrix = SparkFeatureMatrix.collect(spark.read().format("delta").load(location(workspace.input())),
        featureColumns());
    if (matrix.length != options.rows() * FEATURES) {
      throw LakeBatchErrors.internal(String.format("collected %,d feature values from %s, expected %,d",
          matrix.length, workspace.input(), options.rows() * FEATURES), null);
    }
    float[] warmUp = Arrays.copyOf(matrix, (int) Math.min(options.rows(), WARM_UP_ROWS) * FEATURES);
    String model = location(workspace.model());
    OrtSession session = OrtSessionCache.open(model, ModelFiles.read(model), 1);
    try {
      RawOrtLoop loop = new RawOrtLoop(OrtSessionCache.environment(), session, MODEL_INPUT, FEATURES, BATCH_SIZE,
          options.cores());
      out.printf("(b) raw ONNX Runtime: warm-up pass, then timed pass with %d threads%n", options.cores());
      out.flush();
      loop.score(warmUp);
      RawOrtLoop.Pass pass = loop.score(matrix);
      out.printf("(b) raw ONNX Runtime: %,d rows in %.2f s (checksum %.4f)%n", pass.rows(),
          pass.wall().toNanos() / 1e9, pass.checksum());
      return new PathTiming(BenchmarkPath.RAW_ORT, pass.rows(), pass.wall());
    } finally {
      close(session, model);
    }
  }

  private PathTiming timeNaiveUdf(SparkSession spark, PrintStream out) {
    UserDefinedFunction score = functions.udf(
        new NaivePerRowOrtUdf(location(workspace.model()), MODEL_INPUT), DataTypes.FloatType);
    try {
      out.println("(c) naive per-row UDF: warm-up write");
      out.flush();
      writeNaive(spark, score, workspace.warmUpInput(), workspace.warmUpNaiveUdfOutput());
      Dataset<Row> scored = naiveFrame(spark, score, workspace.input());
      out.printf("(c) naive per-row UDF: timed write (%d tasks)%n", scored.rdd().getNumPartitions());
      out.flush();
      long begin = System.nanoTime();
      writeNaive(spark, score, workspace.input(), workspace.naiveUdfOutput());
      Duration wall = Duration.ofNanos(System.nanoTime() - begin);
      long written = spark.read().format("delta").load(location(workspace.naiveUdfOutput())).count();
      if (written != options.rows()) {
        throw LakeBatchErrors.internal(String.format("naive UDF wrote %,d rows to %s, expected %,d", written,
            workspace.naiveUdfOutput(), options.rows()), null);
      }
      out.printf("(c) naive per-row UDF: %,d rows in %.2f s%n", written, wall.toNanos() / 1e9);
      return new PathTiming(BenchmarkPath.NAIVE_UDF, written, wall);
    } finally {
      NaivePerRowOrtUdf.closeSessions();
    }
  }

  private static void writeNaive(SparkSession spark, UserDefinedFunction score, Path input, Path output) {
    naiveFrame(spark, score, input).write().format("delta").mode(SaveMode.Overwrite).save(location(output));
  }

  private static Dataset<Row> naiveFrame(SparkSession spark, UserDefinedFunction score, Path input) {
    Column features = functions.array(featureColumns().stream().map(functions::col).toArray(Column[]::new));
    return spark.read().format("delta").load(location(input))
        .select(functions.col("id"), score.apply(features).as(MODEL_OUTPUT));
  }

  private void writeResults(BenchmarkReport report) {
    try {
      Files.writeString(workspace.resultsCsv(), report.csv());
      Files.writeString(workspace.resultsJson(), report.json());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write benchmark results to " + workspace.out(), e);
    }
  }

  /** Every path is timed once, one after the other: other processes on the cores skew the comparison. */
  private static void warnIfLoaded(PrintStream out) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    int cpus = Runtime.getRuntime().availableProcessors();
    if (load > cpus * 0.5) {
      out.printf(Locale.ROOT, "benchmark: warning: system load average %.1f on %d CPUs; other processes compete for"
          + " the cores, so rates are low and the paths, timed one after another, may not be comparable%n", load, cpus);
    }
  }

  private static void close(OrtSession session, String model) {
    try {
      session.close();
    } catch (OrtException e) {
      throw LakeBatchErrors.modelUnreadable(model + " (closing the session)", e);
    }
  }

  private static List<String> featureColumns() {
    return IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toList();
  }

  private static String location(Path path) {
    return path.toAbsolutePath().toString();
  }

  /** A YAML single-quoted scalar: nothing inside is special except the quote itself. */
  private static String yamlString(Path path) {
    return "'" + location(path).replace("'", "''") + "'";
  }
}
