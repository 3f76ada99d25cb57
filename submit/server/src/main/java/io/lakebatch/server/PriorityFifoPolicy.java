package io.lakebatch.server;

import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.Priority;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Highest priority class first, oldest first within a class; the head of that order starts when its
 * cores fit, and nothing overtakes it while it waits for them (so a large job is not starved by a
 * stream of small ones).
 */
public final class PriorityFifoPolicy implements SchedulingPolicy {
  private static final Comparator<ServerJob> ORDER =
      Comparator.<ServerJob>comparingInt(j -> rank(j.priority()))
          .thenComparingLong(ServerJob::sequence);

  @Override
  public Optional<ServerJob> next(List<ServerJob> queued, int freeCores, int totalCores) {
    return queued.stream()
        .min(ORDER)
        .filter(head -> SchedulingPolicy.coresOf(head, totalCores) <= freeCores);
  }

  private static int rank(String priority) {
    return Priority.parse(priority).orElse(Priority.NORMAL).ordinal();
  }
}
