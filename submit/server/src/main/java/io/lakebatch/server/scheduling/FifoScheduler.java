package io.lakebatch.server.scheduling;

import java.util.ArrayList;
import java.util.List;

/**
 * Submission order, head of line: the oldest job's chunks start while they fit, and when the next
 * one does not, nothing behind it starts either.
 */
public final class FifoScheduler implements ChunkScheduler {
  @Override
  public String name() {
    return "FIFO";
  }

  @Override
  public SchedulingDecision schedule(
      long now, WorkerPool workers, Allocations running, WaitingJobs waiting) {
    return SchedulingDecision.granting(headOfLine(workers, waiting.inSubmissionOrder()));
  }

  /** Grants chunks of {@code order} in turn until one does not fit. */
  static List<Grant> headOfLine(WorkerPool workers, Iterable<WaitingJob> order) {
    List<Grant> grants = new ArrayList<>();
    WorkerPool plan = null;
    for (WaitingJob waiting : order) {
      Demand demand = waiting.job().chunkDemand();
      for (int c = 0; c < waiting.waitingChunks(); c++) {
        int worker = (plan == null ? workers : plan).place(demand);
        if (worker < 0) {
          return grants;
        }
        if (plan == null) {
          plan = workers.copy();
        }
        plan.take(worker, demand);
        grants.add(new Grant(waiting.job().id(), demand, worker));
      }
    }
    return grants;
  }
}
