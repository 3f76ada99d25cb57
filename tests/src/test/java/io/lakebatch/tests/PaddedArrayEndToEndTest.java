package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pre-tokenized table (variable-length {@code array<bigint>} token ids and attention mask) scored
 * by the encoder model, whose {@code [N, S]} inputs have a dynamic sequence dimension: no {@code
 * shape} in the spec, each batch padded to its longest row, bad rows in the dead letters.
 */
class PaddedArrayEndToEndTest {
  private static final int MAX_LENGTH = 48;
  private static final int VOCABULARY = 1000;

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

  private static List<Long> list(long[] values) {
    return values == null ? null : Arrays.stream(values).boxed().toList();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void tokenArraysWithoutAShapeScoreAsEachRowAloneAndBadRowsAreDeadLetters() throws Exception {
    Path dir = tmp.resolve("padded");
    Path model = dir.resolve("encoder.onnx");
    ModelGenerator.write(
        ModelKind.ENCODER,
        ModelOptions.defaults()
            .withHidden(32)
            .withDepth(1)
            .withMaximumLength(MAX_LENGTH)
            .withVocabulary(VOCABULARY),
        model);

    SplittableRandom random = new SplittableRandom(12);
    Map<Long, long[]> tokens = new HashMap<>();
    Map<Long, String> planted = new HashMap<>();
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 600; id++) {
      long[] ids = random.longs(random.nextInt(1, MAX_LENGTH + 1), 1, VOCABULARY).toArray();
      long[] mask = new long[ids.length];
      Arrays.fill(mask, 1);
      List<Long> idList = list(ids);
      List<Long> maskList = list(mask);
      switch ((int) id) {
        case 17 -> {
          idList = null;
          planted.put(id, "null in column 'input_ids'");
        }
        case 101 -> {
          idList = List.of();
          maskList = List.of();
          planted.put(id, "column 'input_ids' is empty");
        }
        case 250 -> {
          idList = new ArrayList<>(idList);
          idList.set(0, null);
          planted.put(id, "null at index 0 of column 'input_ids'");
        }
        case 333 -> {
          idList = list(random.longs(MAX_LENGTH + 5, 1, VOCABULARY).toArray());
          maskList = Arrays.stream(new long[MAX_LENGTH + 5]).map(x -> 1).boxed().toList();
          planted.put(
              id, "column 'input_ids' has 53 elements; model input 'input_ids' takes at most 48");
        }
        case 480 -> {
          idList = list(random.longs(10, 1, VOCABULARY).toArray());
          maskList = Arrays.stream(new long[9]).map(x -> 1).boxed().toList();
          planted.put(
              id,
              "column 'attention_mask' has 9 elements but column 'input_ids' has 10 elements;"
                  + " model inputs 'attention_mask' and 'input_ids' share dimension 'S'");
        }
        default -> tokens.put(id, ids);
      }
      rows.add(RowFactory.create(id, idList, maskList));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("input_ids", DataTypes.createArrayType(DataTypes.LongType, true))
            .add("attention_mask", DataTypes.createArrayType(DataTypes.LongType, true));
    Path input = dir.resolve("in");
    spark
        .createDataFrame(rows, schema)
        .repartition(2)
        .write()
        .format("delta")
        .save(input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        JobSpecs.write(
            dir,
            "spec.yaml",
            """
            name: padded-arrays-e2e
            model:
              path: %s
              inputs:
                input_ids: {column: input_ids}
                attention_mask: {column: attention_mask}
              outputs: {score: score}
            input:
              format: delta
              path: %s
              carry: [id]
            output:
              path: %s
            execution:
              batch-size: 16
              max-bad-row-fraction: 0.05
              retries: {task: 1, chunk: 0}
            resources:
              master: local[2]
            """
                .formatted(model, input, output));

    RunSummary summary = E2eJobs.run(spark, specFile).summary();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.rowsIn()).isEqualTo(600);
    assertThat(summary.rowsOut()).isEqualTo(595);
    assertThat(summary.deadLetterRows()).isEqualTo(5);
    assertThat(summary.rowsOut() + summary.deadLetterRows()).isEqualTo(summary.rowsIn());
    List<Row> dead =
        spark
            .read()
            .format("delta")
            .load(output + "_dead_letter")
            .select("id", "reason")
            .collectAsList();
    assertThat(dead).hasSize(5);
    for (Row row : dead) {
      assertThat(row.getString(1))
          .as("reason of id %d", row.getLong(0))
          .startsWith(planted.get(row.getLong(0)));
    }

    List<Row> scored = spark.read().format("delta").load(output.toString()).collectAsList();
    assertThat(scored).hasSize(595);
    assertThat(scored.stream().map(r -> r.getLong(0)).distinct()).hasSize(595);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double maxDifference = 0;
    try (OrtSession session =
        env.createSession(model.toString(), new OrtSession.SessionOptions())) {
      for (Row row : scored) {
        long[] ids = tokens.get(row.getLong(0));
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        try (OnnxTensor idTensor =
                OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length});
            OnnxTensor maskTensor =
                OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, ids.length});
            OrtSession.Result result =
                session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor))) {
          float expected = ((float[][]) result.get("score").orElseThrow().getValue())[0][0];
          float actual = row.getFloat(row.fieldIndex("score"));
          maxDifference = Math.max(maxDifference, Math.abs(actual - expected));
          assertThat(actual)
              .as("score of id %d (%d tokens)", row.getLong(0), ids.length)
              .isCloseTo(expected, within(1e-5f));
        }
      }
    }
    assertThat(maxDifference).isLessThan(1e-5);
  }
}
