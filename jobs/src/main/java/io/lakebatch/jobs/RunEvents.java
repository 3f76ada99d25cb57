package io.lakebatch.jobs;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunListener;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each event of a run to its listeners in order: first the {@link LoggingRunListener} (so the
 * driver log gets every line), then the caller's, one event at a time (chunks in flight together
 * emit from their own threads). A listener's exception is logged, never thrown.
 */
final class RunEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

  private final List<RunListener> listeners;

  private RunEvents(List<RunListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** The logging listener followed by {@code listeners}. */
  static RunEvents of(List<RunListener> listeners) {
    List<RunListener> all = new ArrayList<>();
    all.add(new LoggingRunListener());
    all.addAll(listeners);
    return new RunEvents(all);
  }

  /** These listeners and then {@code more}. */
  RunEvents with(List<RunListener> more) {
    List<RunListener> all = new ArrayList<>(listeners);
    all.addAll(more);
    return new RunEvents(all);
  }

  synchronized void emit(RunEvent event) {
    for (RunListener listener : listeners) {
      try {
        listener.on(event);
      } catch (RuntimeException e) {
        LOG.warn(
            "run {}: listener {} failed on {}: {}",
            event.runId(),
            listener.getClass().getName(),
            event.getClass().getSimpleName(),
            e.toString(),
            e);
      }
    }
  }
}
