package io.lakebatch.catalog.jobs;

/**
 * Where a server job is. QUEUED jobs wait for the scheduler; RUNNING ones are held by one server
 * (its lease); the rest have ended. A FAILED, PARTIAL or CANCELLED job may be retried (back to
 * QUEUED): its run resumes from its committed chunks. A queued job that depends on others waits
 * until they have all SUCCEEDED; when one ends otherwise it ends UPSTREAM_FAILED without starting,
 * and may be retried once its upstream has been.
 */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  PARTIAL,
  FAILED,
  CANCELLED,
  UPSTREAM_FAILED;

  public boolean ended() {
    return this != QUEUED && this != RUNNING;
  }

  public boolean retryable() {
    return this == FAILED || this == PARTIAL || this == CANCELLED || this == UPSTREAM_FAILED;
  }
}
