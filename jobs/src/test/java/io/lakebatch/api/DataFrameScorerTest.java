package io.lakebatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.udf.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DataFrameScorerTest {
  private static final Map<String, InputBinding> FEATURES =
      Map.of("features", new InputBinding.ColumnList(ScoringFixture.FEATURES));

  @TempDir static Path folder;
  private static SparkSession spark;
  private static Path model;
  private static Path input;
  private static ScoringFixture.JobResult job;

  @BeforeAll
  static void setUp() throws Exception {
    spark =
        SparkSessionFactory.create(
            "data-frame-scorer-test", new ResourceSpec("local[2]", 1, 2, "1g", 0), 1);
    model = LinearModels.writeScore(folder.resolve("score.onnx"));
    input = ScoringFixture.writeInput(spark, folder.resolve("input"));
    job = ScoringFixture.runJob(spark, folder.resolve("home"), model, input);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static Dataset<Row> table() {
    return spark.read().format("delta").load(input.toString());
  }

  @Test
  void scoresLikeTheJobOnTheColumnarPathKeepingEveryColumn() {
    Dataset<Row> scored =
        DataFrameScorer.pathsOnly()
            .withBatchSize(128)
            .score(table(), model.toString(), FEATURES, Map.of());

    assertThat(scored.schema().fieldNames())
        .containsExactly("id", "f0", "f1", "f2", "f3", "score", DataFrameScorer.ERROR_COLUMN);
    assertSameAsJob(scored);
  }

  @Test
  void scoresLikeTheJobOnTheRowPath() {
    // A filter on rows puts a row operator over the scan: scored from rows, not column vectors.
    Dataset<Row> rows =
        table()
            .filter("id >= 0")
            .withColumnRenamed("f0", "f0")
            .select("id", "f0", "f1", "f2", "f3");
    assertThat(SparkColumnarScan.batches(rows)).isEmpty();
    assertThat(SparkColumnarScan.batches(table())).isPresent();

    assertSameAsJob(
        DataFrameScorer.pathsOnly()
            .score(rows, model.toString(), FEATURES, Map.of("score", "eta"))
            .withColumnRenamed("eta", "score"));
  }

  private static void assertSameAsJob(Dataset<Row> scored) {
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(ScoringFixture.ROWS);
    assertThat(job.scores()).hasSize(ScoringFixture.ROWS - 2);
    assertThat(job.reasons()).containsOnlyKeys(ScoringFixture.NAN_ID, ScoringFixture.NULL_ID);
    int scoredRows = 0;
    for (Row row : rows) {
      long id = row.getLong(row.fieldIndex("id"));
      int score = row.fieldIndex("score");
      String error = row.getString(row.fieldIndex(DataFrameScorer.ERROR_COLUMN));
      if (job.reasons().containsKey(id)) {
        assertThat(error).as("row %d", id).isEqualTo(job.reasons().get(id)).isNotBlank();
        assertThat(row.isNullAt(score)).as("row %d", id).isTrue();
      } else {
        assertThat(error).as("row %d", id).isNull();
        assertThat(row.getFloat(score)).as("row %d", id).isEqualTo(job.scores().get(id));
        scoredRows++;
      }
      assertThat(row.isNullAt(row.fieldIndex("f1")) ? null : row.getFloat(row.fieldIndex("f1")))
          .isEqualTo(id == ScoringFixture.NULL_ID ? null : ScoringFixture.feature(id, 1));
    }
    assertThat(scoredRows).isEqualTo(ScoringFixture.ROWS - 2);
    assertThat(job.reasons().get(ScoringFixture.NAN_ID)).containsIgnoringCase("nan");
    assertThat(job.reasons().get(ScoringFixture.NULL_ID)).containsIgnoringCase("null");
  }

  @Test
  void runsNoSparkJobUntilAnAction() throws Exception {
    Dataset<Row> frame = table();
    frame.schema();
    AtomicInteger jobs = new AtomicInteger();
    SparkListener counter =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            jobs.incrementAndGet();
          }
        };
    spark.sparkContext().addSparkListener(counter);
    try {
      Dataset<Row> scored =
          DataFrameScorer.pathsOnly().score(frame, model.toString(), FEATURES, Map.of());
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(jobs.get()).as("Spark jobs started by score()").isZero();

      assertThat(scored.filter(DataFrameScorer.ERROR_COLUMN + " IS NOT NULL").count()).isEqualTo(2);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(jobs.get()).isPositive();
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
  }

  @Test
  void aSignatureMismatchFailsAtScoreTimeNamingTheField() {
    DataFrameScorer scorer = DataFrameScorer.pathsOnly();
    assertThatThrownBy(
            () ->
                scorer.score(
                    table(),
                    model.toString(),
                    Map.of("features", new InputBinding.ColumnList(List.of("f0", "f1", "f2"))),
                    Map.of()))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("model.inputs.features")
        .hasMessageContaining("3 columns given but model input is");
    assertThatThrownBy(
            () ->
                scorer.score(
                    table(),
                    model.toString(),
                    Map.of(
                        "features", new InputBinding.ColumnList(List.of("f0", "f1", "f2", "f9"))),
                    Map.of()))
        .hasMessageContaining("model.inputs.features")
        .hasMessageContaining("column 'f9' not in input schema");
    assertThatThrownBy(
            () ->
                scorer.score(
                    table(),
                    model.toString(),
                    Map.of("pixels", new InputBinding.ColumnList(ScoringFixture.FEATURES)),
                    Map.of()))
        .hasMessageContaining("model.inputs.pixels")
        .hasMessageContaining("the model has no input 'pixels'");
    Dataset<Row> doubles = table();
    assertThatThrownBy(
            () ->
                scorer.score(
                    doubles.withColumn("f3", doubles.col("f3").cast("double")),
                    model.toString(),
                    FEATURES,
                    Map.of()))
        .hasMessageContaining("double does not convert exactly to float");
    assertThatThrownBy(
            () ->
                scorer.score(
                    table(), folder.resolve("missing.onnx").toString(), FEATURES, Map.of()))
        .hasMessageContaining("no model file at");
    assertThatThrownBy(
            () -> scorer.score(table(), model.toString(), FEATURES, Map.of("score", "id")))
        .hasMessageContaining("collides with carried column 'id'");
  }

  @Test
  void resolvesARegistryReference() throws Exception {
    Catalog catalog = Catalog.open(CatalogConfig.embedded(folder.resolve("registry-home")));
    byte[] bytes = Files.readAllBytes(model);
    catalog
        .models()
        .register(
            "linear",
            model.toString(),
            ModelFiles.sha256(bytes),
            new ModelSignature(List.of(), List.of()),
            Optional.empty(),
            "test");

    Dataset<Row> scored =
        DataFrameScorer.withRegistry(catalog.models())
            .score(table(), "linear@latest", FEATURES, Map.of());
    StructField score = scored.schema().fields()[scored.schema().fieldIndex("score")];
    assertThat(score.dataType()).isEqualTo(DataTypes.FloatType);
    assertThat(score.nullable()).isTrue();
    assertThat(scored.filter("id = 3").first().<Float>getAs("score"))
        .isEqualTo(job.scores().get(3L));

    assertThatThrownBy(
            () -> DataFrameScorer.pathsOnly().score(table(), "linear@1", FEATURES, Map.of()))
        .isInstanceOf(LakeBatchException.class)
        .satisfies(
            e -> assertThat(((LakeBatchException) e).category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("no model registry is configured");
  }
}
