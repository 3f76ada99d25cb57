package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.udf.LakeBatchSparkPlugin;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session registers LakeBatch's plugin (the session cache's lifecycle) after any plugin the
 * caller sets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkSessionFactoryTest {
  /** A caller's own plugin: counts its executor plugin's shutdowns. */
  public static final class CallersPlugin implements SparkPlugin {
    static volatile CountDownLatch executorShutdown = new CountDownLatch(1);

    @Override
    public DriverPlugin driverPlugin() {
      return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
      return new ExecutorPlugin() {
        @Override
        public void shutdown() {
          executorShutdown.countDown();
        }
      };
    }
  }

  @Test
  void lakeBatchsPluginIsAppendedToThePluginsAlreadySet() throws Exception {
    CallersPlugin.executorShutdown = new CountDownLatch(1);
    SparkSession spark =
        SparkSessionFactory.create(
            "spark-session-factory-test",
            new ResourceSpec("local[1]", 1, 1, "1g", 0),
            1,
            false,
            Map.of("spark.plugins", CallersPlugin.class.getName()));
    try {
      assertThat(List.of(spark.sparkContext().getConf().get("spark.plugins").split(",")))
          .containsExactly(CallersPlugin.class.getName(), LakeBatchSparkPlugin.class.getName());
    } finally {
      spark.stop();
    }
    assertThat(CallersPlugin.executorShutdown.await(30, TimeUnit.SECONDS))
        .as("the caller's plugin still runs (and local mode runs executor plugins)")
        .isTrue();
  }
}
