package io.lakebatch.server.scheduling;

import java.util.List;

/**
 * What one scheduling round decided. The caller stops the preempted chunks first, then starts the
 * grants in order; each grant fits once those before it (and the preemptions) are applied.
 *
 * @param grants the chunks to start, in order
 * @param preemptions the running chunks to stop
 */
public record SchedulingDecision(List<Grant> grants, List<Preemption> preemptions) {
  /** Nothing to do. */
  public static final SchedulingDecision NONE = new SchedulingDecision(List.of(), List.of());

  public SchedulingDecision {
    grants = List.copyOf(grants);
    preemptions = List.copyOf(preemptions);
  }

  /** Grants and no preemptions. */
  public static SchedulingDecision granting(List<Grant> grants) {
    return new SchedulingDecision(grants, List.of());
  }
}
