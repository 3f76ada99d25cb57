package io.lakebatch.server.scheduling;

import io.lakebatch.catalog.spec.Priority;

/** Small builders for scheduling tests. */
final class Fixtures {
  static final Demand ONE_CORE = new Demand(1, 1024, 0);
  static final Demand WORKER = new Demand(16, 64 * 1024, 0);

  private Fixtures() {}

  static SchedulableJob job(String id, String tenant, Priority priority, int value, long at) {
    return SchedulableJob.fresh(id, tenant, priority, value, at, ONE_CORE, 1);
  }

  static SchedulableJob job(String id, String tenant, long at, Demand demand, int chunks) {
    return SchedulableJob.fresh(id, tenant, Priority.NORMAL, 50, at, demand, chunks);
  }

  static WaitingJobs waiting(SchedulableJob... jobs) {
    WaitingJobs waiting = new WaitingJobs();
    for (SchedulableJob job : jobs) {
      waiting.add(job);
    }
    return waiting;
  }

  /**
   * Runs {@code chunks} chunks of {@code job} from {@code startedAt}, one id each from {@code
   * firstId}.
   */
  static void run(
      WorkerPool pool,
      Allocations running,
      SchedulableJob job,
      int worker,
      long firstId,
      int chunks,
      long startedAt) {
    for (int c = 0; c < chunks; c++) {
      pool.take(worker, job.chunkDemand());
      running.add(new RunningChunk(firstId + c, job, worker, startedAt));
    }
  }
}
