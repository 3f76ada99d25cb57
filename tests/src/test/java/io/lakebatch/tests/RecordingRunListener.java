package io.lakebatch.tests;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records every event of the runs it listens to, and lets a test wait for an event (a latch on the
 * run's own progress, instead of sleeping or polling the store).
 */
final class RecordingRunListener implements RunListener {
  private final List<RunEvent> events = new ArrayList<>();

  @Override
  public synchronized void on(RunEvent event) {
    events.add(event);
    notifyAll();
  }

  /** The events so far, oldest first. */
  synchronized List<RunEvent> events() {
    return List.copyOf(events);
  }

  /** The events of {@code type} so far. */
  synchronized <T extends RunEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * Waits until {@code count} events of {@code type} match {@code condition} and returns the last
   * of them; fails after {@code timeout}, or at once when the run ended before.
   */
  synchronized <T extends RunEvent> T await(
      Class<T> type, Predicate<T> condition, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<T> matching = events(type).stream().filter(condition).toList();
      if (matching.size() >= count) {
        return matching.get(count - 1);
      }
      if (type != RunEvent.RunEnded.class && !events(RunEvent.RunEnded.class).isEmpty()) {
        throw new AssertionError(
            "the run ended before " + count + " " + type.getSimpleName() + " event(s): " + events);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "no "
                + count
                + " "
                + type.getSimpleName()
                + " event(s) within "
                + timeout
                + ": "
                + events);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
