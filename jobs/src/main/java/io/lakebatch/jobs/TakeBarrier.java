package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import scala.Option;

/**
 * Test hook ({@code spark.lakebatch.faults.take-barrier=DIR}): holds a driver at the point where it
 * has judged its run takeable and is about to swap it to itself, so a test can line up two drivers
 * there. The driver writes {@code DIR/<pid>.ready} and waits (at most two minutes) until {@code
 * DIR/go} exists. Unset, it does nothing.
 */
final class TakeBarrier implements Runnable {
  static final String CONF = "spark.lakebatch.faults.take-barrier";
  private static final long MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(2);

  private final Path folder;
  private boolean passed;

  private TakeBarrier(Path folder) {
    this.folder = folder;
  }

  static Runnable fromConf(Function<String, Option<String>> conf) {
    Option<String> folder = conf.apply(CONF);
    return folder.isDefined() ? new TakeBarrier(Path.of(folder.get())) : () -> {};
  }

  @Override
  public void run() {
    if (passed) {
      return;
    }
    passed = true;
    try {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(ProcessHandle.current().pid() + ".ready"), "");
      long deadline = System.nanoTime() + MAX_WAIT_NANOS;
      while (!Files.exists(folder.resolve("go"))) {
        if (System.nanoTime() > deadline) {
          throw LakeBatchErrors.internal("take barrier " + folder + " was never released", null);
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw LakeBatchErrors.internal("take barrier " + folder + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted at take barrier " + folder, e);
    }
  }
}
