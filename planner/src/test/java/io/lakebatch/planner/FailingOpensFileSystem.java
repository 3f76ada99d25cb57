package io.lakebatch.planner;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The local file system, except that the next {@link #failNext} opens fail with an {@link
 * IOException}, as a flaky object store fails them. {@link #configuration} gives a Hadoop
 * configuration whose {@code file:} scheme is served by it.
 */
public final class FailingOpensFileSystem extends LocalFileSystem {
  /** What each injected failure's message starts with. */
  static final String INJECTED = "injected open failure";

  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

  /** Makes the next {@code opens} opens (of any instance) fail. */
  static void failNext(int opens) {
    FAILURES_LEFT.set(opens);
  }

  /** A copy of {@code base} whose {@code file:} paths open through this file system, uncached. */
  static Configuration configuration(Configuration base) {
    Configuration conf = new Configuration(base);
    conf.set("fs.file.impl", FailingOpensFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    if (FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException(INJECTED + " of " + path + " (test fault)");
    }
    return super.open(path, bufferSize);
  }
}
