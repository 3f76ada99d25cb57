package io.lakebatch.server;

import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.JobPriority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Highest priority class first, then the highest value within the class, then the oldest; the head
 * of that order starts when its cores fit, and nothing overtakes it while it waits for them (so a
 * large job is not starved by a stream of small ones). A head that does not fit preempts running
 * jobs of lower classes — lowest class first, the most recently started first within a class — when
 * stopping them frees enough cores; a job of its own class or above is never stopped for it.
 */
public final class PriorityFifoPolicy implements SchedulingPolicy {
  static final Comparator<ServerJob> ORDER =
      Comparator.<ServerJob>comparingInt(j -> rank(j.priority()))
          .thenComparingInt(j -> -value(j.priority()))
          .thenComparingLong(ServerJob::sequence);
  private static final Comparator<ServerJob> VICTIMS =
      Comparator.<ServerJob>comparingInt(j -> -rank(j.priority()))
          .thenComparingInt(j -> value(j.priority()))
          .thenComparing(
              (ServerJob j) -> j.startedAt().orElse(Instant.MIN), Comparator.reverseOrder());

  @Override
  public Optional<ServerJob> next(
      List<ServerJob> queued, List<ServerJob> running, int freeCores, int totalCores) {
    return queued.stream()
        .min(ORDER)
        .filter(head -> SchedulingPolicy.coresOf(head, totalCores) <= freeCores);
  }

  @Override
  public Optional<Preemption> preemption(
      List<ServerJob> queued, List<ServerJob> running, int freeCores, int totalCores) {
    Optional<ServerJob> head = queued.stream().min(ORDER);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    int needed = SchedulingPolicy.coresOf(head.get(), totalCores);
    if (needed <= freeCores) {
      return Optional.empty(); // it fits already, or will once the stopping jobs stopped
    }
    int rank = rank(head.get().priority());
    List<ServerJob> victims = new ArrayList<>();
    int free = freeCores;
    for (ServerJob candidate :
        running.stream().filter(r -> rank(r.priority()) > rank).sorted(VICTIMS).toList()) {
      victims.add(candidate);
      free += SchedulingPolicy.coresOf(candidate, totalCores);
      if (free >= needed) {
        return Optional.of(
            new Preemption(
                "%s-priority job %s waiting".formatted(head.get().priority(), head.get().id()),
                victims));
      }
    }
    return Optional.empty();
  }

  private static int rank(String priority) {
    return JobPriority.ofStored(priority).priorityClass().ordinal();
  }

  private static int value(String priority) {
    return JobPriority.ofStored(priority).value();
  }
}
