package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ModelBinding;
import io.lakebatch.catalog.model.ModelBindingResolver;
import io.lakebatch.catalog.registry.ModelRegistry;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.ModelSpec;
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.udf.BatchInferenceFunction;
import io.lakebatch.udf.InferenceConfig;
import io.lakebatch.udf.SparkTypeMapping;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Scores a DataFrame as a lazy transformation, the shape of {@code predict_batch_udf} and {@code
 * mlflow.pyfunc.spark_udf}: every input column is kept, one column per model output is appended,
 * and {@value #ERROR_COLUMN} says why a row could not be scored (null when it was; its outputs are
 * then null). No Spark job runs until an action on the result.
 *
 * <p>Scoring is the job's: the same batches, per-JVM session cache, columnar fill (when the frame
 * is a plain columnar scan) or row fill, output decoding and per-row validation, whose reasons are
 * the ones a job writes to its dead-letter table. The model's signature is checked against the
 * frame's schema in {@link #score}, with the errors of a job's preflight.
 *
 * <pre>{@code
 * Dataset<Row> scored = DataFrameScorer.withRegistry(catalog.models())
 *     .score(orders, "eta@7", Map.of("features", new InputBinding.ColumnList(List.of("f0", "f1"))), Map.of());
 * }</pre>
 */
public final class DataFrameScorer {
  /**
   * Null when the row was scored; else why it was not (null feature, NaN, wrong array length, ...).
   */
  public static final String ERROR_COLUMN = ErrorColumnScoring.ERROR_COLUMN;

  private final Optional<ModelRegistry> registry;
  private final int batchSize;

  private DataFrameScorer(Optional<ModelRegistry> registry, int batchSize) {
    this.registry = registry;
    if (batchSize <= 0) {
      throw LakeBatchErrors.invalidSpec(
          "execution.batch-size", "must be positive, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /** A scorer that takes models by file path or URI only. */
  public static DataFrameScorer pathsOnly() {
    return new DataFrameScorer(Optional.empty(), SpecDefaults.BATCH_SIZE);
  }

  /**
   * A scorer that also resolves registry references {@code name@version} and {@code name@latest}.
   */
  public static DataFrameScorer withRegistry(ModelRegistry registry) {
    return new DataFrameScorer(
        Optional.of(requireNonNull(registry, "registry is null")), SpecDefaults.BATCH_SIZE);
  }

  /**
   * This scorer with another batch size (rows per model call; default {@value
   * SpecDefaults#BATCH_SIZE}).
   */
  public DataFrameScorer withBatchSize(int rows) {
    return new DataFrameScorer(registry, rows);
  }

  /**
   * @param frame the rows to score; all its columns are kept
   * @param model an ONNX file's path or URI, or a registry reference {@code name@version|latest}
   * @param inputs model input name to the columns it is fed from, as in a job's {@code
   *     model.inputs}
   * @param outputs model output name to output column; empty = every output under its own name
   * @return {@code frame}'s columns, the output columns (nullable) and {@value #ERROR_COLUMN}
   * @throws io.lakebatch.catalog.error.LakeBatchException when the model cannot be read or its
   *     signature does not fit the frame's schema (naming the {@code model.inputs.*} field)
   */
  public Dataset<Row> score(
      Dataset<Row> frame,
      String model,
      Map<String, InputBinding> inputs,
      Map<String, String> outputs) {
    requireNonNull(frame, "frame is null");
    requireNonNull(model, "model is null");
    SparkSession spark = frame.sparkSession();
    ErrorColumnScoring scoring = prepare(spark, frame.schema(), model, inputs, outputs);
    RDD<InternalRow> scored =
        new DeferredRdd(spark.sparkContext(), () -> scoredRows(frame, scoring));
    return spark.internalCreateDataFrame(scored, scoring.outputSchema(), false);
  }

  /**
   * Plans {@code frame} (this may run Spark jobs: a Delta scan lists its files) and scores its
   * partitions.
   */
  private static RDD<InternalRow> scoredRows(Dataset<Row> frame, ErrorColumnScoring scoring) {
    Optional<RDD<ColumnarBatch>> batches =
        BatchInferenceFunction.supportsColumnar(scoring.config())
            ? SparkColumnarScan.batches(frame)
            : Optional.empty();
    JavaRDD<InternalRow> scored =
        batches.isPresent()
            ? batches.get().toJavaRDD().mapPartitions(scoring::scoreBatches)
            : frame.queryExecution().toRdd().toJavaRDD().mapPartitions(scoring::scoreRows);
    return scored.rdd();
  }

  /** Loads the model, checks it against {@code schema} and returns the partition function. */
  ErrorColumnScoring prepare(
      SparkSession spark,
      StructType schema,
      String model,
      Map<String, InputBinding> inputs,
      Map<String, String> outputs) {
    if (List.of(schema.fieldNames()).contains(ERROR_COLUMN)) {
      throw LakeBatchErrors.invalidSpec(
          "input",
          "the frame already has a column " + ERROR_COLUMN + "; drop or rename it before scoring");
    }
    ScoringModel loaded =
        ScoringModel.load(
            model,
            registry,
            "use DataFrameScorer.withRegistry(catalog.models())",
            intraOpThreads(spark));
    return scoring(loaded, schema, List.of(schema.fieldNames()), inputs, outputs, batchSize);
  }

  /** ONNX Runtime threads per call: the CPUs Spark gives each task. */
  static int intraOpThreads(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
  }

  /**
   * Checks {@code model} against {@code schema}; {@code carry} are the columns kept beside the
   * outputs.
   */
  static ErrorColumnScoring scoring(
      ScoringModel model,
      StructType schema,
      List<String> carry,
      Map<String, InputBinding> inputs,
      Map<String, String> outputs,
      int batchSize) {
    ModelSpec spec = ModelSpec.ofPath(model.handle().uri(), inputs, outputs);
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec, carry, SparkTypeMapping.columns(schema), model.signature(), model.metadata());
    return new ErrorColumnScoring(
        new InferenceConfig(model.handle(), binding, schema, carry, batchSize));
  }
}
