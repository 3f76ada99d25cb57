package io.lakebatch.udf;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Owns the lifecycle of this JVM's {@link OrtSessionCache#shared()} session cache: registered
 * through {@code spark.plugins}, it closes the sessions when an executor shuts down, and on the
 * driver (whose preflight scores a sample) when the SparkContext stops. A long-lived JVM that
 * starts and stops many SparkContexts thus never keeps sessions past its context. A GPU executor
 * will pick its device here. It also installs {@link PageSizedSnappyCodec} in every JVM before the
 * first Parquet read.
 */
public final class LakeBatchSparkPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new DriverPlugin() {
      @Override
      public Map<String, String> init(SparkContext context, PluginContext plugin) {
        PageSizedSnappyCodec.install();
        return Map.of();
      }

      @Override
      public void shutdown() {
        OrtSessionCache.shared().closeAll();
      }
    };
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new SessionCacheExecutorPlugin();
  }

  /** Closes the executor's sessions when it shuts down. */
  static final class SessionCacheExecutorPlugin implements ExecutorPlugin {
    @Override
    public void init(PluginContext context, Map<String, String> extraConf) {
      // sessions load lazily, on the first task that needs one
      PageSizedSnappyCodec.install();
    }

    @Override
    public void shutdown() {
      OrtSessionCache.shared().closeAll();
    }
  }
}
