package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from Java, a notebook or SQL" examples, as they are written there: a job
 * built in code and run through the API, {@code score(df)} and {@code lakebatch_predict} in SQL,
 * all three giving the same score for the same row.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReadmeExamplesTest {
  private static final int FEATURES = 8;
  private static final long ROWS = 20_000;
  private static final long BAD_EVERY = 1_000;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static String model;
  private static String input;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.start();
    model = dir.resolve("mlp.onnx").toString();
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), Path.of(model));
    input = dir.resolve("orders").toString();
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withBadEvery(BAD_EVERY),
        input);
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  @Test
  void aJobScoreAndSqlGiveTheSameScores() {
    String[] features = IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toArray(String[]::new);
    String output = dir.resolve("scores").toString();
    long bad =
        java.util.stream.LongStream.range(0, ROWS)
            .filter(
                SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withBadEvery(BAD_EVERY)
                    ::isBad)
            .count();

    // --- README: from Java ---
    JobSpec spec =
        JobSpec.builder("orders-scoring")
            .modelPath(model)
            .modelInput("features", new InputBinding.ColumnList(List.of(features)))
            .input(TableFormat.DELTA, input)
            .carry("id")
            .output(output)
            .rowsPerChunk(5_000)
            .master("local[2]")
            .build();
    RunSummary summary;
    try (Catalog catalog = Catalog.open(CatalogConfig.embedded(dir.resolve("home")));
        LakeBatch lakeBatch =
            LakeBatch.with(spark, catalog).withRunFolders(dir.resolve("home/runs"))) {
      RunHandle run = lakeBatch.run(spec); // returns at once; the chunks run on their own thread
      summary = run.await(); // run.progress(), run.cancel() meanwhile

      // --- README: from a notebook (a DataFrame in, a DataFrame out) ---
      Dataset<Row> scored =
          lakeBatch.score(
              spark.read().format("delta").load(input),
              model,
              Map.of("features", new InputBinding.ColumnList(List.of(features))),
              Map.of());
      Map<Long, Float> byScore = scores(scored.where("_lakebatch_error IS NULL"), "score");
      assertThat(scored.where("_lakebatch_error IS NOT NULL").count()).isEqualTo(bad);

      // --- README: from SQL ---
      Dataset<Row> sql =
          spark.sql(
              "SELECT id, lakebatch_predict('"
                  + model
                  + "', "
                  + String.join(", ", features)
                  + ") AS score FROM delta.`"
                  + input
                  + "`");
      Map<Long, Float> bySql = scores(sql.where("score IS NOT NULL"), "score");

      Map<Long, Float> byJob = scores(spark.read().format("delta").load(output), "score");
      assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(summary.rowsOut()).isEqualTo(ROWS - bad);
      assertThat(summary.deadLetterRows()).isEqualTo(bad);
      assertThat(byJob).hasSize((int) (ROWS - bad));
      assertThat(byScore).as("score(df) = the job's output, row by row").isEqualTo(byJob);
      assertThat(bySql).as("lakebatch_predict = the job's output, row by row").isEqualTo(byJob);
    }
  }

  private static Map<Long, Float> scores(Dataset<Row> frame, String column) {
    Map<Long, Float> scores = new HashMap<>();
    for (Row row : frame.select("id", column).collectAsList()) {
      scores.put(row.getLong(0), row.getFloat(1));
    }
    return scores;
  }
}
