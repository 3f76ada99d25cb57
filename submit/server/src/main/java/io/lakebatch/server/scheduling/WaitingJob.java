package io.lakebatch.server.scheduling;

/**
 * A job in {@link WaitingJobs} and how many of its chunks wait for a grant. Only {@link
 * WaitingJobs} changes the count.
 */
public final class WaitingJob {
  private final SchedulableJob job;
  private int waitingChunks;

  WaitingJob(SchedulableJob job, int waitingChunks) {
    this.job = job;
    this.waitingChunks = waitingChunks;
  }

  /** The job. */
  public SchedulableJob job() {
    return job;
  }

  /** How many of its chunks wait, at least 1 while it is queued. */
  public int waitingChunks() {
    return waitingChunks;
  }

  void addChunks(int count) {
    waitingChunks += count;
  }

  @Override
  public String toString() {
    return job.id() + "×" + waitingChunks;
  }
}
