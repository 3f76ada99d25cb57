package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.api.DataFrameScorer;
import io.lakebatch.api.RunPlan;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.TextEncoding;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.planner.ReaderBatchSize;
import io.lakebatch.submit.bench.BenchmarkWorkspace.CaseFolder;
import io.lakebatch.submit.modelgen.EncoderModel;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelInfo;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.OrtSessionCache;
import io.lakebatch.udf.OrtSignatureReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Times one {@link BenchmarkProfile} several ways on the same table, cores and batch size — (a)
 * LakeBatch Delta to Delta, (b) raw ONNX Runtime over rows in memory, (c) a naive per-row UDF, (d)
 * {@code score(df)}, and (e) when configured, {@code lakebatch run} in a new JVM — and asks {@code
 * batch-size: auto} what it would choose. Paths (b) and (c) score the first rows by {@code id} up
 * to the profile's limits.
 */
final class ProfileBenchmark {
  private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

  private final SparkSession spark;
  private final BenchmarkWorkspace workspace;
  private final LakeBatchRunner lakeBatch;
  private final BenchmarkOptions options;

  ProfileBenchmark(
      SparkSession spark,
      BenchmarkWorkspace workspace,
      LakeBatchRunner lakeBatch,
      BenchmarkOptions options) {
    this.spark = requireNonNull(spark, "spark is null");
    this.workspace = requireNonNull(workspace, "workspace is null");
    this.lakeBatch = requireNonNull(lakeBatch, "lakeBatch is null");
    this.options = requireNonNull(options, "options is null");
  }

  /** Writes the profile's model (unless already written) and returns what was generated. */
  static ModelInfo writeModel(BenchmarkWorkspace workspace, BenchmarkProfile profile) {
    return ModelGenerator.write(profile.kind(), profile.modelOptions(), workspace.model(profile));
  }

  ProfileResult run(BenchmarkProfile profile, PrintStream out) {
    long rows = options.rowsOf(profile);
    long warmUpRows = warmUpRows(profile, rows);
    CaseFolder files = workspace.profile(profile);
    ModelInfo model = writeModel(workspace, profile);
    out.printf(
        "[%s] generating %s; %,d rows%s under %s%n",
        profile,
        model.description(),
        rows,
        warmUpRows > 0 ? String.format(" + %,d warm-up rows", warmUpRows) : "",
        files.folder());
    out.flush();
    SyntheticTables.write(spark, profile.tableOptions(rows), location(files.input()));
    if (warmUpRows > 0) {
      SyntheticTables.write(spark, profile.tableOptions(warmUpRows), location(files.warmUpInput()));
    }
    PathTiming a = timeLakeBatch(profile, files, rows, warmUpRows, out);
    RunPlan auto = prepareAutoBatch(profile, files);
    out.printf(
        "[%s] batch-size auto chooses %d (%s)%n",
        profile, auto.batchSize(), auto.batchSizeChoice().orElse("no probe"));
    Optional<TextEncoding> encoding = textEncoding(profile);
    // Paths (b) to (d) read the table with Spark's own scan: for image rows its 4,096-row batches
    // run the heap out, so they get the batch size LakeBatch's reader picks for itself (a user of
    // score(df) sets the same conf).
    String batchKey = SQLConf.PARQUET_VECTORIZED_READER_BATCH_SIZE().key();
    String sparkBatch = spark.conf().get(batchKey);
    spark.conf().set(batchKey, Integer.toString(ReaderBatchSize.rowsFor(decodedRowBytes(profile))));
    PathTiming b;
    PathTiming c;
    PathTiming d;
    try {
      b = timeRawOrt(profile, files, rows, warmUpRows, encoding, out);
      c = timeNaiveUdf(profile, files, rows, warmUpRows, encoding, out);
      d = timeScoreFrame(profile, files, rows, warmUpRows, out);
    } finally {
      spark.conf().set(batchKey, sparkBatch);
    }
    Optional<PathTiming> e =
        options.endToEnd().map(launcher -> timeEndToEnd(launcher, profile, files, rows, out));
    return new ProfileResult(
        profile,
        model.description(),
        profile.batchSize(),
        auto.batchSize(),
        auto.batchSizeChoice(),
        a,
        b,
        c,
        d,
        e);
  }

  /** A dense profile's float tensor row plus its id (0, unknown, for text). */
  private static long decodedRowBytes(BenchmarkProfile profile) {
    long[] shape = profile.rowShape();
    return shape.length == 0 ? 0 : Arrays.stream(shape).reduce(1, Math::multiplyExact) * 4 + 8;
  }

  private long warmUpRows(BenchmarkProfile profile, long rows) {
    return options.warmUp() == WarmUp.RUN ? Math.min(profile.warmUpRows(), rows) : 0;
  }

  private PathTiming timeLakeBatch(
      BenchmarkProfile profile, CaseFolder files, long rows, long warmUpRows, PrintStream out) {
    String fixed = LakeBatchRunner.fixedBatch(profile);
    if (warmUpRows > 0) {
      out.printf("[%s] (a) LakeBatch: warm-up run%n", profile);
      out.flush();
      lakeBatch.run(
          lakeBatch.writeSpec(
              files.spec("warm-up"),
              "bench-" + profile + "-warm-up",
              profile,
              files.warmUpInput(),
              files.warmUpLakeBatchOutput(),
              fixed),
          warmUpRows,
          DISCARD);
    }
    out.printf("[%s] (a) LakeBatch: timed run (prepare + run), batch %s%n", profile, fixed);
    out.flush();
    LakeBatchRunner.TimedRun timed =
        lakeBatch.run(
            lakeBatch.writeSpec(
                files.spec("lakebatch"),
                "bench-" + profile,
                profile,
                files.input(),
                files.lakeBatchOutput(),
                fixed),
            rows,
            out);
    out.print(timed.summary().render());
    out.flush();
    return new PathTiming(BenchmarkPath.LAKEBATCH, rows, timed.wall());
  }

  /**
   * Plans the profile's table with {@code batch-size: auto}: the probe runs, nothing is written or
   * timed.
   */
  private RunPlan prepareAutoBatch(BenchmarkProfile profile, CaseFolder files) {
    return lakeBatch.prepare(
        lakeBatch.writeSpec(
            files.spec("auto-batch"),
            "bench-" + profile + "-auto-batch",
            profile,
            files.input(),
            files.autoBatchOutput(),
            LakeBatchRunner.AUTO_BATCH),
        DISCARD);
  }

  private Optional<TextEncoding> textEncoding(BenchmarkProfile profile) {
    if (!profile.isText()) {
      return Optional.empty();
    }
    String model = location(workspace.model(profile));
    OrtSession session = OrtSessionCache.open(model, ModelFiles.read(model), 1);
    try {
      return Optional.of(
          TextEncoding.fromMetadata(OrtSignatureReader.metadata(session))
              .orElseThrow(
                  () ->
                      LakeBatchErrors.internal("model " + model + " declares no tokenizer", null)));
    } finally {
      close(session, model);
    }
  }

  private PathTiming timeRawOrt(
      BenchmarkProfile profile,
      CaseFolder files,
      long rows,
      long warmUpRows,
      Optional<TextEncoding> encoding,
      PrintStream out) {
    long limit = Math.min(rows, profile.inMemoryRowLimit());
    out.printf(
        "[%s] (b) raw ONNX Runtime: reading %,d rows into memory (not timed)%n", profile, limit);
    out.flush();
    InMemoryRows timedRows = inMemoryRows(profile, firstRows(files.input(), limit), encoding);
    if (timedRows.rows() != limit) {
      throw LakeBatchErrors.internal(
          String.format(
              "read %,d rows from %s into memory, expected %,d",
              timedRows.rows(), files.input(), limit),
          null);
    }
    String model = location(workspace.model(profile));
    OrtSession session = OrtSessionCache.open(model, ModelFiles.read(model), 1);
    try {
      RawOrtLoop loop =
          new RawOrtLoop(
              OrtSessionCache.environment(),
              session,
              profile.modelOutput(),
              profile.batchSize(),
              options.cores());
      if (warmUpRows > 0) {
        out.printf("[%s] (b) raw ONNX Runtime: warm-up pass%n", profile);
        out.flush();
        loop.score(inMemoryRows(profile, firstRows(files.warmUpInput(), warmUpRows), encoding));
      }
      out.printf(
          "[%s] (b) raw ONNX Runtime: timed pass, %d threads, batch %d%n",
          profile, options.cores(), profile.batchSize());
      out.flush();
      RawOrtLoop.Pass pass = loop.score(timedRows);
      out.printf(
          "[%s] (b) raw ONNX Runtime: %,d rows in %.2f s (checksum %.4f)%n",
          profile, pass.rows(), pass.wall().toNanos() / 1e9, pass.checksum());
      return new PathTiming(BenchmarkPath.RAW_ORT, pass.rows(), pass.wall());
    } finally {
      close(session, model);
    }
  }

  private InMemoryRows inMemoryRows(
      BenchmarkProfile profile, Dataset<Row> table, Optional<TextEncoding> encoding) {
    if (profile.isText()) {
      return TokenizedTextRows.tokenize(
          table.select("text").as(Encoders.STRING()).collectAsList(),
          encoding.orElseThrow(),
          EncoderModel.INPUT_IDS_NAME,
          EncoderModel.ATTENTION_MASK_NAME);
    }
    long[] shape = profile.rowShape();
    int width = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
    return new DenseFloatRows(
        profile.modelInput(),
        shape,
        SparkFeatureMatrix.collect(table, profile.inputColumns(), width));
  }

  private PathTiming timeNaiveUdf(
      BenchmarkProfile profile,
      CaseFolder files,
      long rows,
      long warmUpRows,
      Optional<TextEncoding> encoding,
      PrintStream out) {
    long limit = Math.min(rows, profile.naiveRowLimit());
    NaivePerRowOrtUdf naive =
        new NaivePerRowOrtUdf(
            location(workspace.model(profile)),
            SingleRowFeed.of(profile, encoding.orElse(null)),
            profile.modelOutput(),
            profile.outputWidth());
    UserDefinedFunction score = functions.udf(naive, naive.resultType());
    try {
      if (warmUpRows > 0) {
        out.printf("[%s] (c) naive per-row UDF: warm-up write%n", profile);
        out.flush();
        writeNaive(
            profile,
            score,
            firstRows(files.warmUpInput(), warmUpRows),
            files.warmUpNaiveUdfOutput());
      }
      Dataset<Row> input = firstRows(files.input(), limit);
      out.printf(
          "[%s] (c) naive per-row UDF: timed write of %,d rows (%d tasks)%n",
          profile, limit, input.rdd().getNumPartitions());
      out.flush();
      long begin = System.nanoTime();
      writeNaive(profile, score, input, files.naiveUdfOutput());
      Duration wall = Duration.ofNanos(System.nanoTime() - begin);
      long written = spark.read().format("delta").load(location(files.naiveUdfOutput())).count();
      if (written != limit) {
        throw LakeBatchErrors.internal(
            String.format(
                "naive UDF wrote %,d rows to %s, expected %,d",
                written, files.naiveUdfOutput(), limit),
            null);
      }
      out.printf(
          "[%s] (c) naive per-row UDF: %,d rows in %.2f s%n",
          profile, written, wall.toNanos() / 1e9);
      return new PathTiming(BenchmarkPath.NAIVE_UDF, written, wall);
    } finally {
      NaivePerRowOrtUdf.closeSessions();
    }
  }

  /**
   * (d): {@code score(df)} on the whole input, written to Delta in one job with the same batch size
   * as (a): what the library's DataFrame transformation costs without chunks, commits or a catalog.
   */
  private PathTiming timeScoreFrame(
      BenchmarkProfile profile, CaseFolder files, long rows, long warmUpRows, PrintStream out) {
    DataFrameScorer scorer = DataFrameScorer.pathsOnly().withBatchSize(profile.batchSize());
    String model = location(workspace.model(profile));
    if (warmUpRows > 0) {
      out.printf("[%s] (d) score(df): warm-up write%n", profile);
      out.flush();
      writeScored(scorer, model, profile, files.warmUpInput(), files.warmUpScoreFrameOutput());
    }
    out.printf(
        "[%s] (d) score(df): timed write of %,d rows, batch %d%n",
        profile, rows, profile.batchSize());
    out.flush();
    long begin = System.nanoTime();
    writeScored(scorer, model, profile, files.input(), files.scoreFrameOutput());
    Duration wall = Duration.ofNanos(System.nanoTime() - begin);
    long written = spark.read().format("delta").load(location(files.scoreFrameOutput())).count();
    if (written != rows) {
      throw LakeBatchErrors.internal(
          String.format(
              "score(df) wrote %,d rows to %s, expected %,d",
              written, files.scoreFrameOutput(), rows),
          null);
    }
    out.printf("[%s] (d) score(df): %,d rows in %.2f s%n", profile, written, wall.toNanos() / 1e9);
    return new PathTiming(BenchmarkPath.SCORE_FRAME, written, wall);
  }

  /**
   * (e): (a)'s spec, into its own output, run by {@code lakebatch run} in a new JVM with its own
   * home (catalog), timed from launch to exit.
   */
  private PathTiming timeEndToEnd(
      CliLauncher launcher,
      BenchmarkProfile profile,
      CaseFolder files,
      long rows,
      PrintStream out) {
    Path spec =
        lakeBatch.writeSpec(
            files.spec("end-to-end"),
            "bench-" + profile + "-e2e",
            profile,
            files.input(),
            files.endToEndOutput(),
            LakeBatchRunner.fixedBatch(profile));
    Path log = files.folder().resolve("end-to-end.log");
    out.printf(
        "[%s] (e) lakebatch run in a new JVM (class-data sharing %s), output in %s%n",
        profile, launcher.classDataSharing() ? "on" : "off", log);
    out.flush();
    Duration wall = EndToEndRun.time(launcher, workspace.endToEndHome(), spec, log);
    long written = spark.read().format("delta").load(location(files.endToEndOutput())).count();
    if (written != rows) {
      throw LakeBatchErrors.internal(
          String.format(
              "lakebatch run wrote %,d rows to %s, expected %,d (log %s)",
              written, files.endToEndOutput(), rows, log),
          null);
    }
    out.printf(
        "[%s] (e) lakebatch run: %,d rows, launch to exit %.2f s%n",
        profile, written, wall.toNanos() / 1e9);
    return new PathTiming(BenchmarkPath.END_TO_END, written, wall);
  }

  private void writeScored(
      DataFrameScorer scorer, String model, BenchmarkProfile profile, Path input, Path output) {
    Dataset<Row> scored =
        scorer.score(
            spark.read().format("delta").load(location(input)),
            model,
            profile.modelInputs(),
            Map.of(profile.modelOutput(), "score"));
    scored
        .select("id", "score", DataFrameScorer.ERROR_COLUMN)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(location(output));
  }

  private static void writeNaive(
      BenchmarkProfile profile, UserDefinedFunction score, Dataset<Row> input, Path output) {
    Column argument =
        profile.inputColumns().size() == 1
            ? functions.col(profile.inputColumns().get(0))
            : functions.array(
                profile.inputColumns().stream().map(functions::col).toArray(Column[]::new));
    input
        .select(functions.col("id"), score.apply(argument).as("score"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(location(output));
  }

  /** The table's rows with {@code id < rows}: the generated ids are {@code 0 .. n-1}. */
  private Dataset<Row> firstRows(Path table, long rows) {
    return spark.read().format("delta").load(location(table)).where(functions.col("id").lt(rows));
  }

  private static void close(OrtSession session, String model) {
    try {
      session.close();
    } catch (OrtException e) {
      throw LakeBatchErrors.modelUnreadable(model + " (closing the session)", e);
    }
  }

  static String location(Path path) {
    return path.toAbsolutePath().toString();
  }
}
