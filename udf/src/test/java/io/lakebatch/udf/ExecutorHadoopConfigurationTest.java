package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.ModelBinding;
import io.lakebatch.catalog.model.OutputColumn;
import io.lakebatch.catalog.model.OutputKind;
import io.lakebatch.catalog.model.TensorFeed;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Executors read the model with the job's Hadoop configuration: a file system known only through
 * {@code spark.hadoop.fs.lbmem.impl} serves the model to the tasks; a bare {@code Configuration}
 * cannot read it. Also: the plugin registered in {@code spark.plugins} closes the sessions when
 * Spark stops.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExecutorHadoopConfigurationTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("f0", DataTypes.FloatType)
          .add("f1", DataTypes.FloatType);

  @Test
  void tasksReadTheModelThroughSparkHadoopSettingsAndTheSessionsCloseWhenSparkStops() {
    byte[] model = OnnxTestModels.identity("executor-hadoop-conf", OnnxTestModels.FLOAT, 2);
    InMemoryModelFileSystem.FILES.put("/models/identity.onnx", model);
    String uri = InMemoryModelFileSystem.SCHEME + ":///models/identity.onnx";

    assertThatThrownBy(() -> ModelFiles.read(uri, new Configuration()))
        .as("a bare Configuration does not know the scheme")
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(uri)
        .hasMessageContaining(
            "No FileSystem for scheme \"" + InMemoryModelFileSystem.SCHEME + "\"");

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("executor-hadoop-conf")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config(
                "spark.hadoop.fs." + InMemoryModelFileSystem.SCHEME + ".impl",
                InMemoryModelFileSystem.class.getName())
            .config(
                "spark.hadoop.fs." + InMemoryModelFileSystem.SCHEME + ".impl.disable.cache", "true")
            .config("spark.plugins", LakeBatchSparkPlugin.class.getName())
            .getOrCreate();
    try {
      assertThat(ModelFiles.read(uri, spark.sparkContext().hadoopConfiguration()))
          .as("the driver reads with the session's Hadoop configuration")
          .isEqualTo(model);
      InMemoryModelFileSystem.OPENS.clear();

      ModelBinding binding =
          new ModelBinding(
              List.of(
                  new TensorFeed("x", ElementType.FLOAT, List.of(2L), List.of("f0", "f1"), false)),
              List.of(
                  new OutputColumn(
                      "y", "y", OutputKind.ARRAY, ElementType.FLOAT, ElementType.OTHER)));
      InferenceConfig config =
          new InferenceConfig(
              new ModelHandle(uri, ModelFiles.sha256(model), 1), binding, SCHEMA, List.of("id"), 4);
      Dataset<Row> rows =
          spark
              .createDataFrame(
                  List.of(
                      RowFactory.create(1L, 0.5f, 1.5f),
                      RowFactory.create(2L, -1f, 2f),
                      RowFactory.create(3L, 3f, 4f)),
                  SCHEMA)
              .repartition(2);
      List<InternalRow> scored =
          rows.queryExecution()
              .toRdd()
              .toJavaRDD()
              .mapPartitions(BatchInferenceFunction.scoring(config, rejected -> {}))
              .collect();

      assertThat(scored).hasSize(3);
      assertThat(scored)
          .anySatisfy(
              row -> {
                assertThat(row.getLong(0)).isEqualTo(3L);
                assertThat(row.getArray(1).toFloatArray()).containsExactly(3f, 4f);
              });
      assertThat(InMemoryModelFileSystem.OPENS)
          .as("an executor task opened the model through the lbmem file system")
          .anySatisfy(
              open ->
                  assertThat(open)
                      .startsWith("Executor task launch worker")
                      .endsWith("/models/identity.onnx"));
      assertThat(OrtSessionCache.shared().cachedSessions()).isGreaterThanOrEqualTo(1);
    } finally {
      spark.stop();
      InMemoryModelFileSystem.FILES.clear();
    }
    assertThat(OrtSessionCache.shared().cachedSessions())
        .as("the plugin's shutdown emptied the cache")
        .isZero();
    assertThat(OrtSessionCache.shared().openSessions()).as("and closed every session").isZero();
  }
}
