package io.lakebatch.tests;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.TextEncoding;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelInfo;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.submit.modelgen.TokenEmbeddingModel;
import io.lakebatch.submit.modelgen.TrainedLinearModel;
import io.lakebatch.submit.modelgen.TreeEnsembleReference;
import io.lakebatch.submit.modelgen.TreeEnsembleSpec;
import io.lakebatch.submit.modelgen.TreePrediction;
import io.lakebatch.udf.HashingTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every generated model kind scored end to end: local Spark, real Delta, real ONNX Runtime. */
class ModelKindsEndToEndTest {
  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static String spec(
      String name, Path model, String inputs, String format, Path input, Path output) {
    return """
        name: %s
        model:
          path: %s
          inputs:
        %s
        input:
          format: %s
          path: %s
          carry: [id]
        output:
          path: %s
        execution:
          batch-size: 128
          retries: {task: 1, chunk: 0}
        resources:
          master: local[2]
        """
        .formatted(name, model, inputs.indent(4).stripTrailing(), format, input, output);
  }

  private static Dataset<Row> delta(Path path) {
    return spark.read().format("delta").load(path.toString());
  }

  @Test
  void treesOverParquetMatchTheJavaReference() throws Exception {
    Path dir = tmp.resolve("trees");
    ModelOptions options = ModelOptions.defaults().withFeatures(8).withClasses(3);
    Path model = dir.resolve("trees.onnx");
    ModelGenerator.write(ModelKind.TREES, options, model);
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(3_000, 8, TableFormat.PARQUET), input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            spec(
                "trees-e2e",
                model,
                "features: " + JobSpecs.featureList(8),
                "parquet",
                input,
                output));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.rowsOut()).isEqualTo(3_000);
    Dataset<Row> scored = delta(output);
    StructType schema = scored.schema();
    assertThat(schema.fieldNames()).containsExactly("id", "label", "probabilities");
    assertThat(schema.apply("label").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(schema.apply("probabilities").dataType()).isInstanceOf(MapType.class);
    MapType map = (MapType) schema.apply("probabilities").dataType();
    assertThat(map.keyType()).isEqualTo(DataTypes.LongType);
    assertThat(map.valueType()).isEqualTo(DataTypes.FloatType);
    assertThat(scored.count()).isEqualTo(3_000);
    assertThat(scored.select("id").distinct().count()).isEqualTo(3_000);
    assertThat(scored.where("probabilities is null or size(probabilities) <> 3").count()).isZero();
    assertThat(
            scored
                .where("abs(aggregate(map_values(probabilities), 0D, (a, x) -> a + x) - 1) > 1e-4")
                .count())
        .isZero();

    TreeEnsembleReference reference =
        new TreeEnsembleReference(TreeEnsembleSpec.fromOptions(options));
    Dataset<Row> features = spark.read().parquet(input.toString());
    List<Row> sample =
        scored.where("id % 60 = 11").join(features, "id").orderBy("id").collectAsList();
    assertThat(sample).hasSize(50);
    for (Row row : sample) {
      float[] values = new float[8];
      for (int i = 0; i < 8; i++) {
        values[i] = row.getFloat(row.fieldIndex("f" + i));
      }
      TreePrediction expected = reference.predict(values);
      long id = row.getLong(row.fieldIndex("id"));
      assertThat(row.getLong(row.fieldIndex("label")))
          .as("label of id %d", id)
          .isEqualTo(expected.label());
      Map<Object, Object> probabilities = row.getJavaMap(row.fieldIndex("probabilities"));
      assertThat(probabilities).as("probabilities of id %d", id).containsOnlyKeys(0L, 1L, 2L);
      for (int c = 0; c < 3; c++) {
        assertThat((Float) probabilities.get((long) c))
            .as("p(class %d) of id %d", c, id)
            .isCloseTo(expected.probabilities()[c], within(1e-5f));
      }
    }
  }

  @Test
  void tokenEmbeddingsProduceArrayAndScalarOutputs() throws Exception {
    Path dir = tmp.resolve("tokens");
    ModelOptions options = ModelOptions.defaults().withSequenceLength(8).withVocabulary(1000);
    Path model = dir.resolve("tokens.onnx");
    ModelInfo info = ModelGenerator.write(ModelKind.TOKENS, options, model);
    assertThat(info.inputNames()).containsExactly("input_ids");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(2_000, 1, TableFormat.DELTA).withTokens(8),
        input.toString());
    Dataset<Row> in = delta(input);
    assertThat(in.schema().apply("input_ids").dataType())
        .isEqualTo(
            DataTypes.createArrayType(
                DataTypes.LongType,
                ((ArrayType) in.schema().apply("input_ids").dataType()).containsNull()));
    assertThat(
            in.where("size(input_ids) <> 8 or exists(input_ids, x -> x < 0 or x >= 1000)").count())
        .isZero();
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            spec("tokens-e2e", model, "input_ids: {column: input_ids}", "delta", input, output));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    Dataset<Row> scored = delta(output);
    assertThat(scored.schema().fieldNames()).containsExactly("id", "embedding", "score");
    assertThat(scored.schema().apply("embedding").dataType()).isInstanceOf(ArrayType.class);
    assertThat(((ArrayType) scored.schema().apply("embedding").dataType()).elementType())
        .isEqualTo(DataTypes.FloatType);
    assertThat(scored.schema().apply("score").dataType()).isEqualTo(DataTypes.FloatType);
    assertThat(scored.count()).isEqualTo(in.count()).isEqualTo(2_000);
    int width = TokenEmbeddingModel.embeddingWidth(options);
    assertThat(
            scored
                .where(
                    "embedding is null or score is null or size(embedding) <> "
                        + width
                        + " or exists(embedding, x -> x is null or isnan(x)) or isnan(score)")
                .count())
        .isZero();
  }

  @Test
  void convolutionalLogitsMatchADirectOrtRun() throws Exception {
    Path dir = tmp.resolve("conv");
    ModelOptions options = ModelOptions.defaults().withImageSize(8).withClasses(4);
    Path model = dir.resolve("conv.onnx");
    ModelGenerator.write(ModelKind.CONV, options, model);
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(600, 1, TableFormat.DELTA).withImageSize(8),
        input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            spec(
                "conv-e2e",
                model,
                "image: {column: image, shape: [3, 8, 8]}",
                "delta",
                input,
                output));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    Dataset<Row> scored = delta(output);
    assertThat(scored.schema().fieldNames()).containsExactly("id", "logits");
    assertThat(scored.count()).isEqualTo(600);
    assertThat(scored.where("logits is null or size(logits) <> 4").count()).isZero();

    List<Row> sample =
        scored
            .join(delta(input).select("id", "image"), "id")
            .where("id % 97 = 5")
            .orderBy("id")
            .limit(5)
            .collectAsList();
    assertThat(sample).hasSize(5);
    float[] pixels = new float[5 * 3 * 8 * 8];
    for (int r = 0; r < 5; r++) {
      List<Object> image = sample.get(r).getList(sample.get(r).fieldIndex("image"));
      assertThat(image).hasSize(192);
      for (int p = 0; p < 192; p++) {
        pixels[r * 192 + p] = (Float) image.get(p);
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
        OnnxTensor tensor =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {5, 3, 8, 8});
        OrtSession.Result result = session.run(Map.of("image", tensor))) {
      float[][] logits = (float[][]) result.get(0).getValue();
      for (int r = 0; r < 5; r++) {
        List<Object> actual = sample.get(r).getList(sample.get(r).fieldIndex("logits"));
        assertThat(actual).hasSize(4);
        for (int c = 0; c < 4; c++) {
          assertThat((Float) actual.get(c))
              .as("logit %d of id %d", c, sample.get(r).getLong(0))
              .isCloseTo(logits[r][c], within(1e-4f));
        }
      }
    }
  }

  @Test
  void encoderOverATextColumnMatchesEachRowScoredAlone() throws Exception {
    Path dir = tmp.resolve("encoder");
    ModelOptions options =
        ModelOptions.defaults().withHidden(32).withDepth(1).withMaximumLength(48);
    Path model = dir.resolve("encoder.onnx");
    ModelGenerator.write(ModelKind.ENCODER, options, model);
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(1_500, 1, TableFormat.DELTA).withText(10),
        input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            spec(
                    "encoder-e2e",
                    model,
                    "input_ids: {text: text}\nattention_mask: {mask-of: input_ids}",
                    "delta",
                    input,
                    output)
                .replace("input:\n", "  outputs: {score: score}\ninput:\n"));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    Dataset<Row> scored = delta(output);
    assertThat(scored.schema().fieldNames()).containsExactly("id", "score");
    assertThat(scored.count()).isEqualTo(1_500);
    assertThat(scored.select("id").distinct().count()).isEqualTo(1_500);

    // Rows were length-sorted and each batch padded to its own longest row; the model masks
    // padding, so every row must score as it does alone, unpadded.
    List<Row> sample =
        scored
            .join(delta(input).select("id", "text"), "id")
            .where("id % 53 = 7")
            .orderBy("id")
            .collectAsList();
    assertThat(sample).hasSizeGreaterThan(20);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session =
        env.createSession(model.toString(), new OrtSession.SessionOptions())) {
      HashingTokenizer tokenizer =
          new HashingTokenizer(
              TextEncoding.fromMetadata(session.getMetadata().getCustomMetadata()).orElseThrow());
      for (Row row : sample) {
        long[] ids = new long[48];
        int length = tokenizer.encode(row.getString(row.fieldIndex("text")), ids, 0);
        assertThat(length).isPositive();
        long[] mask = new long[length];
        Arrays.fill(mask, 1);
        try (OnnxTensor idTensor =
                OnnxTensor.createTensor(
                    env, LongBuffer.wrap(ids, 0, length), new long[] {1, length});
            OnnxTensor maskTensor =
                OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, length});
            OrtSession.Result result =
                session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor))) {
          float expected = ((float[][]) result.get("score").orElseThrow().getValue())[0][0];
          assertThat(row.getFloat(row.fieldIndex("score")))
              .as("score of id %d (%d tokens)", row.getLong(0), length)
              .isCloseTo(expected, within(1e-4f));
        }
      }
    }
  }

  @Test
  void tribuoLinearModelMatchesTribuoPredictions() throws Exception {
    Path dir = tmp.resolve("linear");
    Path model = dir.resolve("linear.onnx");
    TrainedLinearModel trained =
        ModelGenerator.trainLinear(ModelOptions.defaults().withFeatures(8), model);
    assertThat(trained.info().inputNames()).containsExactly("input");
    assertThat(trained.info().outputNames()).containsExactly("output");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(2_000, 8, TableFormat.DELTA).withVectorColumn(),
        input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            spec("linear-e2e", model, "input: {column: vec}", "delta", input, output));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    Dataset<Row> scored = delta(output);
    assertThat(scored.schema().fieldNames()).containsExactly("id", "output");
    assertThat(scored.schema().apply("output").dataType()).isEqualTo(DataTypes.FloatType);
    assertThat(scored.count()).isEqualTo(2_000);
    List<Row> sample =
        scored
            .join(delta(input).select("id", "vec"), "id")
            .where("id % 100 = 42")
            .orderBy("id")
            .collectAsList();
    assertThat(sample).hasSize(20);
    for (Row row : sample) {
      List<Object> vec = row.getList(row.fieldIndex("vec"));
      double[] values = new double[8];
      for (int i = 0; i < 8; i++) {
        values[i] = (Float) vec.get(i);
      }
      double expected = trained.predict(values);
      float actual = row.getFloat(row.fieldIndex("output"));
      assertThat((double) actual)
          .as("output of id %d", row.getLong(0))
          .isCloseTo(expected, within(1e-4 * Math.abs(expected) + 1e-6));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bigint", "double"})
  void mlpRejectsAColumnThatDoesNotConvertExactlyToFloat(String type) throws Exception {
    Path dir = tmp.resolve("mlp-" + type);
    Path model = dir.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(8), model);
    Path base = dir.resolve("base");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(200, 8, TableFormat.DELTA), base.toString());
    Path input = dir.resolve("in");
    delta(base)
        .withColumn("f3", type.equals("bigint") ? col("id") : col("f3").cast("double"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir, "spec.yaml", JobSpecs.mlp("mlp-" + type, model, input, "delta", output, 1_000, 8));

    LakeBatchException error =
        catchThrowableOfType(LakeBatchException.class, () -> E2eJobs.prepare(spark, specFile));

    assertThat(error).isNotNull();
    assertThat(error.category()).isEqualTo(ErrorCategory.USER);
    assertThat(error.getMessage()).contains("model.inputs.features").contains("f3");
    assertThat(output).doesNotExist();
    assertThat(Path.of(output + "_dead_letter")).doesNotExist();
    assertThat(Files.exists(output)).isFalse();
  }
}
