package io.lakebatch.server.scheduling;

/**
 * Decides, in one round, which waiting chunks start now and which running chunks stop. Pure and
 * synchronous: it reads the cluster, the running chunks and the waiting jobs at {@code now} and
 * changes none of them, so the same inputs always give the same decision.
 */
public interface ChunkScheduler {

  /** A short name for reports, e.g. {@code fair share}. */
  String name();

  /**
   * One round.
   *
   * @param now the scheduler clock, in milliseconds
   * @param workers what each worker has free
   * @param running the chunks running now
   * @param waiting the jobs with chunks waiting
   */
  SchedulingDecision schedule(
      long now, WorkerPool workers, Allocations running, WaitingJobs waiting);
}
