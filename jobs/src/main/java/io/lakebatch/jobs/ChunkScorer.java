package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.planner.Chunk;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.FaultInjection;
import io.lakebatch.udf.InferenceConfig;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;

/**
 * Scores one chunk in one Spark job: its tasks read the chunk's splits, score them in batches and
 * write the scored rows as uncommitted data files of the output table and their rejected rows as
 * uncommitted dead-letter files. Commits nothing ({@link ChunkCommitter} does).
 */
final class ChunkScorer {
  /**
   * A scored chunk: its output files staged under the chunk's transaction id, and its dead-letter
   * files.
   */
  record ScoredChunk(Chunk chunk, DeltaChunkTable.StagedChunk output, DeadLetterFiles deadLetters) {
    ScoredChunk {
      requireNonNull(chunk, "chunk is null");
      requireNonNull(output, "output is null");
      requireNonNull(deadLetters, "deadLetters is null");
    }
  }

  private final SparkSession spark;
  private final PreparedRun prepared;
  private final DeltaChunkTable output;
  private final String deadLetterPath;
  private final LongAccumulator scoredRows;
  private final FaultInjection faults;
  private final boolean columnar;

  /**
   * @param scoredRows counts rows scored by the tasks (the heartbeat's progress within a chunk)
   * @param columnar read the input's columnar batches rather than rows
   */
  ChunkScorer(
      SparkSession spark,
      PreparedRun prepared,
      DeltaChunkTable output,
      String deadLetterPath,
      LongAccumulator scoredRows,
      FaultInjection faults,
      boolean columnar) {
    this.spark = requireNonNull(spark, "spark is null");
    this.prepared = requireNonNull(prepared, "prepared is null");
    this.output = requireNonNull(output, "output is null");
    this.deadLetterPath = requireNonNull(deadLetterPath, "deadLetterPath is null");
    this.scoredRows = requireNonNull(scoredRows, "scoredRows is null");
    this.faults = requireNonNull(faults, "faults is null");
    this.columnar = columnar;
  }

  /**
   * Scores {@code chunk}; empty when the output already records the chunk's transaction id (another
   * driver committed it while this one scored it).
   */
  Optional<ScoredChunk> score(Chunk chunk) {
    InferenceConfig config = prepared.inference();
    String outputId = prepared.key().chunkAppId("output", chunk.index());
    spark
        .sparkContext()
        .setJobDescription("lakebatch " + prepared.runId() + " chunk " + chunk.index());
    try {
      DeadLetterFiles letters =
          DeadLetterFiles.prepare(spark, deadLetterPath, config, prepared.runId(), chunk.index());
      BatchInferenceFunction function =
          new BatchInferenceFunction(config, scoredRows, faults, letters.sink());
      List<String> columns = List.of(config.inputSchema().fieldNames());
      JavaRDD<InternalRow> scored =
          columnar
              ? prepared.input().batches(chunk.tasks(), columns).mapPartitions(function.columnar())
              : prepared.input().rows(chunk.tasks(), columns).mapPartitions(function);
      return output
          .stage(
              spark.internalCreateDataFrame(scored.rdd(), config.outputSchema(), false),
              outputId,
              1,
              config.outputSchema(),
              false)
          .map(staged -> new ScoredChunk(chunk, staged, letters));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }
}
