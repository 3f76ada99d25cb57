package io.lakebatch.jobs;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ModelBinding;
import io.lakebatch.catalog.model.ModelBindingResolver;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.planner.Chunk;
import io.lakebatch.planner.ChunkPlanner;
import io.lakebatch.planner.InferencePlan;
import io.lakebatch.planner.PlanningOptions;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.BatchSizeProbe;
import io.lakebatch.udf.InferenceConfig;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.ModelHandle;
import io.lakebatch.udf.OrtSessionCache;
import io.lakebatch.udf.OrtSignatureReader;
import io.lakebatch.udf.SparkTypeMapping;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a job spec chunk by chunk: plan on the driver, score each chunk in {@code mapPartitions},
 * commit it to Delta in one idempotent transaction, skip what an earlier attempt committed.
 *
 * <p>A chunk is scored once; its invalid rows are committed to the dead-letter table first and its
 * scored rows to the output second, each under the chunk's own transaction id. The output commit
 * therefore marks a chunk done; a crash between the two commits reruns the chunk, and Delta skips
 * the dead-letter write whose id is already recorded.
 */
public final class InferenceJob {
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final SparkSession spark;
  private final PrintStream out;

  public InferenceJob(SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.out = out;
  }

  /** Checks the spec against the input and the model and plans the run; runs no Spark job on data. */
  public PreparedRun prepare(JobSpec spec) {
    SparkInputTable input = SparkInputTable.open(spark, spec.input());
    input.checkFilter();
    byte[] modelBytes = ModelFiles.read(spec.model().path());
    String sha256 = ModelFiles.sha256(modelBytes);
    ModelSignature signature;
    int batchSize;
    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    try (var session = OrtSessionCache.open(spec.model().path(), modelBytes, threads)) {
      signature = OrtSignatureReader.read(session);
      ModelBinding binding = ModelBindingResolver.resolve(spec, SparkTypeMapping.columns(input.schema()), signature);
      batchSize = spec.execution().batchSize().isAuto()
          ? BatchSizeProbe.choose(session, binding.feeds(), out)
          : spec.execution().batchSize().rows().getAsInt();
      ModelHandle handle = new ModelHandle(spec.model().path(), sha256, threads);
      int cores = Math.max(1, spark.sparkContext().defaultParallelism());
      PlanningOptions options = new PlanningOptions(
          spec.execution().rowsPerChunk(), spec.execution().rowsPerTask(), cores, SpecDefaults.TASKS_PER_CORE);
      InferencePlan plan = ChunkPlanner.plan(input.files(), input.rowGroupSource(), options);
      RunKey key = RunKey.of(spec, input.version(), sha256, options.rowsPerChunk(), options.pieceRows());
      Set<String> columns = new LinkedHashSet<>(spec.input().carry());
      columns.addAll(binding.featureColumns());
      var readSchema = new org.apache.spark.sql.types.StructType();
      for (String column : columns) {
        readSchema = readSchema.add(input.schema().fields()[input.schema().fieldIndex(column)]);
      }
      InferenceConfig config = new InferenceConfig(handle, binding, readSchema, spec.input().carry(), batchSize);
      return new PreparedRun(spec, input, config, plan, key);
    } catch (ai.onnxruntime.OrtException e) {
      throw LakeBatchErrors.modelUnreadable(spec.model().path(), e);
    }
  }

  /** Runs every chunk not yet committed and returns the summary. */
  public RunSummary run(PreparedRun prepared) {
    long start = System.nanoTime();
    JobSpec spec = prepared.spec();
    InferencePlan plan = prepared.plan();
    DeltaChunkTable output = new DeltaChunkTable(spark, spec.output().path());
    DeltaChunkTable deadLetter = new DeltaChunkTable(spark, spec.output().deadLetterPath());
    InferenceConfig config = prepared.inference();
    RunKey key = prepared.key();

    Map<String, Long> outputTxns = output.transactions();
    int alreadyCommitted = (int) plan.chunks().stream()
        .filter(c -> outputTxns.containsKey(key.chunkAppId("output", c.index()))).count();
    boolean overwriteFirst = spec.output().mode() == io.lakebatch.catalog.spec.WriteMode.OVERWRITE && alreadyCommitted == 0;
    if (!overwriteFirst) {
      output.checkAppendable(config.outputSchema(), "output.path");
    }
    deadLetter.checkAppendable(config.deadLetterSchema(), "output.dead-letter");

    out.printf("run %s: %d chunks, %,d rows from %s %s%s -> %s%n", prepared.runId(), plan.chunks().size(),
        plan.totalRows(), spec.input().format().specName(), spec.input().path(),
        prepared.input().version() >= 0 ? " @ version " + prepared.input().version() : "", spec.output().path());
    if (alreadyCommitted > 0) {
      out.printf("resuming run %s: %d of %d chunks already committed%n", prepared.runId(), alreadyCommitted,
          plan.chunks().size());
    }
    out.flush();

    ProgressPrinter progress = new ProgressPrinter(out, plan.totalRows(), plan.chunks().size());
    List<String> failed = new ArrayList<>();
    long rowsIn = 0;
    long rowsOut = 0;
    long badRows = 0;
    int run = 0;
    int skipped = 0;
    for (Chunk chunk : plan.chunks()) {
      String outputId = key.chunkAppId("output", chunk.index());
      if (outputTxns.containsKey(outputId)) {
        progress.skipped(chunk.rows());
        skipped++;
        continue;
      }
      Optional<ChunkResult> result = runWithRetries(prepared, chunk, output, deadLetter, overwriteFirst && run == 0,
          progress, failed);
      if (result.isEmpty()) {
        continue;
      }
      run++;
      rowsIn += result.get().rowsIn();
      rowsOut += result.get().rowsOut();
      badRows += result.get().deadLetterRows();
      progress.committed(chunk.index(), chunk.rows(), result.get().rowsOut(), result.get().deadLetterRows(),
          result.get().version());
      if (rowsIn > 0 && (double) badRows / rowsIn > spec.execution().maxBadRowFraction()) {
        throw LakeBatchErrors.tooManyBadRows(badRows, rowsIn, spec.execution().maxBadRowFraction(), deadLetter.path());
      }
    }
    RunState state = failed.isEmpty() ? RunState.SUCCEEDED : (run + skipped > 0 ? RunState.PARTIAL : RunState.FAILED);
    return new RunSummary(prepared.runId(), state, plan.totalRows(), rowsIn, rowsOut, badRows, plan.chunks().size(),
        run, skipped, failed, config.batchSize(), Duration.ofNanos(System.nanoTime() - start));
  }

  private Optional<ChunkResult> runWithRetries(PreparedRun prepared, Chunk chunk, DeltaChunkTable output,
      DeltaChunkTable deadLetter, boolean overwrite, ProgressPrinter progress, List<String> failed) {
    int attempts = prepared.spec().execution().retries().chunk() + 1;
    for (int attempt = 1; ; attempt++) {
      try {
        return Optional.of(runChunk(prepared, chunk, output, deadLetter, overwrite));
      } catch (RuntimeException e) {
        ErrorCategory category = LakeBatchException.findIn(e).map(LakeBatchException::category)
            .orElse(ErrorCategory.TRANSIENT);
        if (category == ErrorCategory.USER || category == ErrorCategory.INTERNAL) {
          throw e;
        }
        String message = LakeBatchException.findIn(e).map(Throwable::getMessage).orElse(LakeBatchErrors.rootMessage(e));
        boolean retry = category.retryable() && attempt < attempts;
        progress.failed(chunk.index(), attempt, message, retry);
        if (!retry) {
          failed.add("chunk " + chunk.index() + " after " + attempt + " attempt(s): " + message);
          return Optional.empty();
        }
        sleepBackoff(attempt);
      }
    }
  }

  private static void sleepBackoff(int attempt) {
    long cap = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(attempt - 1, 5));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted while waiting to retry", e);
    }
  }

  private ChunkResult runChunk(PreparedRun prepared, Chunk chunk, DeltaChunkTable output, DeltaChunkTable deadLetter,
      boolean overwrite) {
    InferenceConfig config = prepared.inference();
    RunKey key = prepared.key();
    String metadata = commitMetadata(prepared, chunk);
    spark.sparkContext().setJobDescription("lakebatch " + prepared.runId() + " chunk " + chunk.index());
    JavaRDD<InternalRow> rows = prepared.input().read(chunk.tasks(), List.of(config.inputSchema().fieldNames()))
        .queryExecution().toRdd().toJavaRDD();
    Dataset<Row> scored = spark.internalCreateDataFrame(
        rows.mapPartitions(new BatchInferenceFunction(config)).rdd(), config.scoredSchema(), false);
    // Scored once, then split: dead letters are committed before the output, so an output commit
    // always means the chunk is complete.
    scored.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Column invalid = functions.col(InferenceConfig.REASON).isNotNull();
      Row counts = scored.agg(functions.count(functions.lit(1)), functions.count(functions.col(InferenceConfig.REASON)))
          .first();
      long rowsIn = counts.getLong(0);
      Dataset<Row> bad = scored.where(invalid).select(deadLetterColumns(config, prepared.runId(), chunk.index()));
      long deadLetterRows = 0;
      if (counts.getLong(1) > 0) {
        deadLetterRows = deadLetter.commit(bad, key.chunkAppId("dead-letter", chunk.index()), 1, SaveMode.Append, metadata)
            .map(DeltaChunkTable.ChunkCommit::rows).orElse(0L);
      }
      Column[] outputColumns = List.of(config.outputSchema().fieldNames()).stream().map(functions::col).toArray(Column[]::new);
      var commit = output.commit(scored.where(functions.not(invalid)).select(outputColumns),
          key.chunkAppId("output", chunk.index()), 1, overwrite ? SaveMode.Overwrite : SaveMode.Append, metadata);
      return new ChunkResult(rowsIn, commit.map(DeltaChunkTable.ChunkCommit::rows).orElse(0L), deadLetterRows,
          commit.map(DeltaChunkTable.ChunkCommit::version).orElse(-1L));
    } finally {
      scored.unpersist(false);
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static Column[] deadLetterColumns(InferenceConfig config, String runId, int chunk) {
    List<Column> columns = new ArrayList<>();
    for (String carry : config.carry()) {
      columns.add(functions.col(carry));
    }
    columns.add(functions.col(InferenceConfig.RAW_VALUES));
    columns.add(functions.col(InferenceConfig.REASON));
    columns.add(functions.lit(runId).as("run_id"));
    columns.add(functions.lit(chunk).as("chunk"));
    return columns.toArray(Column[]::new);
  }

  private static String commitMetadata(PreparedRun prepared, Chunk chunk) {
    return String.format("{\"lakebatch\":{\"run\":\"%s\",\"key\":\"%s\",\"chunk\":%d,\"model_sha256\":\"%s\",\"input_version\":%d}}",
        prepared.runId(), prepared.key().value(), chunk.index(), prepared.inference().model().sha256(),
        prepared.input().version());
  }

  private record ChunkResult(long rowsIn, long rowsOut, long deadLetterRows, long version) {}
}
