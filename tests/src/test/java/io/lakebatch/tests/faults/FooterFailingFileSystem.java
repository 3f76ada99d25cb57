package io.lakebatch.tests.faults;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The local file system, except that the first {@value #FAILURES_PROPERTY} (a system property of
 * the JVM, default 0) opens of a Parquet file by LakeBatch's planner footer reader ({@code
 * io.lakebatch.planner.ParquetFooterReader}) fail with an {@link IOException}, as a flaky store
 * would fail them. Every other open (Delta's log, Spark's readers, the preflight) is served as
 * usual.
 *
 * <p>A driver uses it with {@code -Dspark.hadoop.fs.file.impl=}this class and {@code
 * -Dspark.hadoop.fs.file.impl.disable.cache=true} (so no instance cached before the session existed
 * serves the planner). It lives in the test classpath, which {@code CliDriver} gives the child.
 */
public final class FooterFailingFileSystem extends LocalFileSystem {
  /** How many footer reads fail, counted across every instance of the JVM. */
  public static final String FAILURES_PROPERTY = "lakebatch.tests.footer-failures";

  /** What the child prints (standard error) for every failure it injects, followed by the file. */
  public static final String INJECTED = "FooterFailingFileSystem: injected footer read failure of ";

  private static final String FOOTER_READER = "io.lakebatch.planner.ParquetFooterReader";
  private static final AtomicInteger INJECTED_SO_FAR = new AtomicInteger();

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    if (path.getName().endsWith(".parquet") && isFooterRead() && takeFailure()) {
      System.err.println(INJECTED + path);
      throw new IOException("injected failure reading the footer of " + path + " (test fault)");
    }
    return super.open(path, bufferSize);
  }

  private static boolean isFooterRead() {
    return StackWalker.getInstance()
        .walk(frames -> frames.anyMatch(f -> f.getClassName().equals(FOOTER_READER)));
  }

  private static boolean takeFailure() {
    int limit = Integer.getInteger(FAILURES_PROPERTY, 0);
    return INJECTED_SO_FAR.getAndUpdate(n -> n < limit ? n + 1 : n) < limit;
  }
}
