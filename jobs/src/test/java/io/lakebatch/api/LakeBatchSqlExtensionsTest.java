package io.lakebatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ModelSignature;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.MapPartitions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LakeBatchSqlExtensionsTest {
  @TempDir static Path folder;
  private static SparkSession spark;
  private static Path model;
  private static Path pairModel;
  private static ScoringFixture.JobResult job;

  @BeforeAll
  static void setUp() throws Exception {
    spark =
        SparkSessionFactory.create(
            "lakebatch-sql-test",
            new ResourceSpec("local[2]", 1, 2, "1g", 0),
            1,
            false,
            Map.of(
                "spark.sql.extensions",
                "io.delta.sql.DeltaSparkSessionExtension,"
                    + LakeBatchSqlExtensions.class.getName()));
    model = LinearModels.writeScore(folder.resolve("score.onnx"));
    pairModel = LinearModels.writeScoreAndPair(folder.resolve("pair.onnx"));
    Path input = ScoringFixture.writeInput(spark, folder.resolve("input"));
    job = ScoringFixture.runJob(spark, folder.resolve("home"), model, input);
    spark.read().format("delta").load(input.toString()).createOrReplaceTempView("t");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void givesTheJobsValuesScoredInBatches() {
    Dataset<Row> scored =
        spark.sql("SELECT id, lakebatch_predict('" + model + "', f0, f1, f2, f3) AS score FROM t");

    assertThat(scored.schema().apply("score").dataType()).isEqualTo(DataTypes.FloatType);
    assertThat(
            scored
                .queryExecution()
                .optimizedPlan()
                .collect(
                    new scala.runtime.AbstractPartialFunction<
                        org.apache.spark.sql.catalyst.plans.logical.LogicalPlan, Object>() {
                      @Override
                      public boolean isDefinedAt(
                          org.apache.spark.sql.catalyst.plans.logical.LogicalPlan plan) {
                        return plan instanceof MapPartitions;
                      }

                      @Override
                      public <
                              A1 extends org.apache.spark.sql.catalyst.plans.logical.LogicalPlan,
                              B1>
                          B1 applyOrElse(A1 plan, scala.Function1<A1, B1> otherwise) {
                        @SuppressWarnings("unchecked")
                        B1 found = (B1) plan;
                        return isDefinedAt(plan) ? found : otherwise.apply(plan);
                      }
                    })
                .size())
        .as("one batched mapPartitions")
        .isEqualTo(1);
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(ScoringFixture.ROWS);
    for (Row row : rows) {
      long id = row.getLong(0);
      if (job.reasons().containsKey(id)) {
        assertThat(row.isNullAt(1)).as("bad row %d", id).isTrue();
      } else {
        assertThat(row.getFloat(1)).as("row %d", id).isEqualTo(job.scores().get(id));
      }
    }
  }

  @Test
  void keepsTheRestOfTheQuery() {
    // Expressions as arguments, a column read twice, ordering and filtering on the result above it.
    List<Row> rows =
        spark
            .sql(
                "SELECT * FROM (SELECT id, f0, f0 * 2 AS twice, lakebatch_predict('"
                    + model
                    + "', f0 + 0, f1, f2, f3) AS score FROM t WHERE id < 100) WHERE score IS NOT NULL ORDER BY id DESC")
            .collectAsList();

    assertThat(rows).hasSize(99); // row 7 has a NaN
    assertThat(rows.get(0).getLong(0)).isEqualTo(99);
    for (Row row : rows) {
      assertThat(row.getFloat(2)).isEqualTo(row.getFloat(1) * 2);
      assertThat(row.getFloat(3)).isEqualTo(job.scores().get(row.getLong(0)));
    }
  }

  @Test
  void aModelWithSeveralOutputsGivesAStruct() {
    Dataset<Row> scored =
        spark.sql("SELECT id, lakebatch_predict('" + pairModel + "', f0, f1, f2, f3) AS p FROM t");

    StructType struct = (StructType) scored.schema().apply("p").dataType();
    assertThat(struct.fieldNames()).containsExactly("score", "pair");
    List<Row> rows =
        spark
            .sql(
                "SELECT id, p.score, p.pair FROM (SELECT id, lakebatch_predict('"
                    + pairModel
                    + "', f0, f1, f2, f3) AS p FROM t) WHERE id IN (3, 42, 7)")
            .collectAsList();
    assertThat(rows).hasSize(3);
    for (Row row : rows) {
      long id = row.getLong(0);
      if (id == ScoringFixture.NAN_ID) {
        assertThat(row.isNullAt(1)).isTrue();
        continue;
      }
      assertThat(row.getFloat(1)).isEqualTo(job.scores().get(id));
      assertThat(row.<Float>getList(2))
          .containsExactly(
              ScoringFixture.feature(id, 0) + ScoringFixture.feature(id, 2),
              ScoringFixture.feature(id, 1) + ScoringFixture.feature(id, 3));
    }
  }

  @Test
  void badCallsFailWithClearErrors() {
    assertThatThrownBy(
            () -> spark.sql("SELECT lakebatch_predict('" + model + "', f0, f1, f2) FROM t"))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("lakebatch_predict('" + model + "', 3 argument(s))")
        .hasMessageContaining("3 columns given but model input is");
    assertThatThrownBy(
            () ->
                spark.sql(
                    "SELECT lakebatch_predict('" + folder.resolve("nope.onnx") + "', f0) FROM t"))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("no model file at");
    assertThatThrownBy(() -> spark.sql("SELECT lakebatch_predict(f0, f1) FROM t"))
        .hasMessageContaining("the first argument must be the model as a string literal");
    assertThatThrownBy(
            () ->
                spark.sql(
                    "SELECT id FROM t WHERE lakebatch_predict('"
                        + model
                        + "', f0, f1, f2, f3) > 0"))
        .hasMessageContaining("can only be used in a SELECT list");
    assertThatThrownBy(
            () -> spark.sql("SELECT lakebatch_predict('linear@1', f0, f1, f2, f3) FROM t"))
        .hasMessageContaining("no model registry is configured")
        .hasMessageContaining(SqlModelRegistry.URL_CONF);
  }

  @Test
  void resolvesARegistryReferenceThroughTheSessionsCatalogUrl() throws Exception {
    CatalogConfig config = CatalogConfig.embedded(folder.resolve("registry-home"));
    Catalog catalog = Catalog.open(config);
    catalog
        .models()
        .register(
            "linear",
            model.toString(),
            ModelFiles.sha256(Files.readAllBytes(model)),
            new ModelSignature(List.of(), List.of()),
            Optional.empty(),
            "test");
    spark.conf().set(SqlModelRegistry.URL_CONF, config.url());
    spark.conf().set(SqlModelRegistry.USER_CONF, config.user());
    try {
      Row row =
          spark
              .sql("SELECT lakebatch_predict('linear@latest', f0, f1, f2, f3) FROM t WHERE id = 42")
              .first();
      assertThat(row.getFloat(0)).isEqualTo(job.scores().get(42L));
    } finally {
      spark.conf().unset(SqlModelRegistry.URL_CONF);
      spark.conf().unset(SqlModelRegistry.USER_CONF);
    }
  }
}
