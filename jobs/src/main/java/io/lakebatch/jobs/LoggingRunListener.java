package io.lakebatch.jobs;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every event the console shows to the log at INFO, the same line: a run's driver log
 * ({@link RunLog}) thus holds what {@code lakebatch run} printed for it.
 */
final class LoggingRunListener implements RunListener {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingRunListener.class);

  @Override
  public void on(RunEvent event) {
    String message = event.message();
    if (!message.isEmpty()) {
      message.lines().forEach(LOG::info);
    }
  }
}
