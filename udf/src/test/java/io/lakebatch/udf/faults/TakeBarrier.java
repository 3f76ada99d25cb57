package io.lakebatch.udf.faults;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.udf.FaultInjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * Test hook ({@code spark.lakebatch.faults.take-barrier=DIR}): holds a driver at the point where it
 * has judged its run takeable and is about to swap it to itself, so a test can line up two drivers
 * there. The driver writes {@code DIR/<pid>.ready} and waits (at most two minutes) until {@code
 * DIR/go} exists; only its first take waits.
 */
public final class TakeBarrier implements FaultInjection {
  static final String CONF = PREFIX + "take-barrier";
  private static final long MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(2);

  private final String folder;
  private transient boolean passed;

  TakeBarrier(String folder) {
    this.folder = folder;
  }

  @Override
  public void beforeTask(TaskContext task) {}

  @Override
  public void beforeTake(String runId) {
    if (passed) {
      return;
    }
    passed = true;
    Path dir = Path.of(folder);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(ProcessHandle.current().pid() + ".ready"), runId);
      long deadline = System.nanoTime() + MAX_WAIT_NANOS;
      while (!Files.exists(dir.resolve("go"))) {
        if (System.nanoTime() > deadline) {
          throw LakeBatchErrors.internal("take barrier " + dir + " was never released", null);
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw LakeBatchErrors.internal("take barrier " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted at take barrier " + dir, e);
    }
  }

  /** Registered in {@code META-INF/services/io.lakebatch.udf.FaultInjection$Provider}. */
  public static final class Provider implements FaultInjection.Provider {
    @Override
    public Optional<FaultInjection> fromConf(Function<String, Optional<String>> conf) {
      return conf.apply(CONF).map(TakeBarrier::new);
    }
  }
}
