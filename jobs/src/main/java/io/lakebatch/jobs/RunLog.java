package io.lakebatch.jobs;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;

/**
 * The driver log of one run: while open, every log event that passes its logger's level
 * (LakeBatch's INFO lines, everyone's warnings with the default config) also goes to {@code <run
 * folder>/driver.log}, appended across attempts, whatever the console shows.
 *
 * <p>Runs that overlap in one JVM keep their lines apart by the run id in the logging context
 * ({@link #RUN_ID_KEY}, set by {@link #tag} on a run's threads, and carried by Spark to the tasks
 * of that thread's jobs as an {@code mdc.} local property): a line tagged with another run's id
 * does not go to this log. Untagged lines (Spark's own threads) go to every open run's log, as they
 * would to the one log of a single run.
 */
final class RunLog implements AutoCloseable {
  /**
   * The logging context key (log4j2 {@code ThreadContext}, slf4j {@code MDC}) holding the id of the
   * run a thread works for; Spark copies local properties named {@code mdc.*} into its task
   * threads' context under the same name.
   */
  static final String RUN_ID_KEY = "mdc.lakebatch.runId";

  private final Appender appender;
  private final Path file;

  private RunLog(Appender appender, Path file) {
    this.appender = appender;
    this.file = file;
  }

  /** Opens the driver log of run {@code runId} at {@code file}. */
  static RunLog open(Path file, String runId) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    Appender appender =
        FileAppender.newBuilder()
            .setName("lakebatch-run-" + file)
            .withFileName(file.toString())
            .withAppend(true)
            .setLayout(
                PatternLayout.newBuilder()
                    .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %p %c{1}: %m%n%ex")
                    .withConfiguration(configuration)
                    .build())
            .setConfiguration(configuration)
            .build();
    appender.start();
    // On the root only: loggers pass events up to it, and only io.lakebatch is at INFO by default.
    configuration.getRootLogger().addAppender(appender, Level.INFO, new RunIdFilter(runId));
    context.updateLoggers();
    return new RunLog(appender, file);
  }

  /**
   * Tags the calling thread's log lines, and the Spark jobs it starts, with {@code runId} until the
   * tag is closed (which restores what was there before).
   */
  static Tag tag(SparkSession spark, String runId) {
    return new Tag(spark, runId);
  }

  /**
   * Tags the calling thread's log lines only (for threads that start no Spark job, e.g. a
   * heartbeat).
   */
  static Tag tag(String runId) {
    return new Tag(null, runId);
  }

  Path file() {
    return file;
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    configuration.getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }

  /** A thread's run id in the logging context (and in its Spark local properties), until closed. */
  static final class Tag implements AutoCloseable {
    private final SparkSession spark;
    private final String previous;
    private final String previousProperty;

    private Tag(SparkSession spark, String runId) {
      this.spark = spark;
      this.previous = ThreadContext.get(RUN_ID_KEY);
      ThreadContext.put(RUN_ID_KEY, runId);
      this.previousProperty =
          spark == null ? null : spark.sparkContext().getLocalProperty(RUN_ID_KEY);
      if (spark != null) {
        spark.sparkContext().setLocalProperty(RUN_ID_KEY, runId);
      }
    }

    @Override
    public void close() {
      if (previous == null) {
        ThreadContext.remove(RUN_ID_KEY);
      } else {
        ThreadContext.put(RUN_ID_KEY, previous);
      }
      if (spark != null) {
        spark.sparkContext().setLocalProperty(RUN_ID_KEY, previousProperty);
      }
    }
  }

  /**
   * Lets through lines of its run and untagged lines; denies lines tagged with another run's id.
   */
  private static final class RunIdFilter extends AbstractFilter {
    private final String runId;

    RunIdFilter(String runId) {
      super(Filter.Result.NEUTRAL, Filter.Result.DENY);
      this.runId = runId;
    }

    @Override
    public Result filter(LogEvent event) {
      String tagged = event.getContextData().getValue(RUN_ID_KEY);
      return tagged == null || tagged.equals(runId) ? Result.NEUTRAL : Result.DENY;
    }
  }
}
