package io.lakebatch.jobs;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The driver log of one run: while open, every log event that passes its logger's level (LakeBatch's
 * INFO lines, everyone's warnings with the default config) also goes to {@code <run folder>/driver.log},
 * appended across attempts, whatever the console shows.
 */
final class RunLog implements AutoCloseable {
  private final Appender appender;
  private final Path file;

  private RunLog(Appender appender, Path file) {
    this.appender = appender;
    this.file = file;
  }

  static RunLog open(Path file) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    Appender appender = FileAppender.newBuilder()
        .setName("lakebatch-run-" + file)
        .withFileName(file.toString())
        .withAppend(true)
        .setLayout(PatternLayout.newBuilder()
            .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %p %c{1}: %m%n%ex")
            .withConfiguration(configuration)
            .build())
        .setConfiguration(configuration)
        .build();
    appender.start();
    // On the root only: loggers pass events up to it, and only io.lakebatch is at INFO by default.
    configuration.getRootLogger().addAppender(appender, Level.INFO, null);
    context.updateLoggers();
    return new RunLog(appender, file);
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
}
