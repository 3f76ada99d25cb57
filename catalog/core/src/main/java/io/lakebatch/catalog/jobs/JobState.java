package io.lakebatch.catalog.jobs;

/**
 * Where a server job is. QUEUED jobs wait for the scheduler; RUNNING ones are held by one server
 * (its lease); the rest have ended. A FAILED, PARTIAL or CANCELLED job may be retried (back to
 * QUEUED): its run resumes from its committed chunks.
 */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  PARTIAL,
  FAILED,
  CANCELLED;

  public boolean ended() {
    return this != QUEUED && this != RUNNING;
  }

  public boolean retryable() {
    return this == FAILED || this == PARTIAL || this == CANCELLED;
  }
}
