package io.lakebatch.server.scheduling;

/**
 * Class first, then value (higher first), then submission order, head of line, with no aging: a LOW
 * job waits as long as any HIGH or NORMAL work does.
 */
public final class StrictPriorityScheduler implements ChunkScheduler {
  @Override
  public String name() {
    return "strict priority";
  }

  @Override
  public SchedulingDecision schedule(
      long now, WorkerPool workers, Allocations running, WaitingJobs waiting) {
    return SchedulingDecision.granting(
        FifoScheduler.headOfLine(workers, waiting.inClassThenValueOrder()));
  }
}
