package io.lakebatch.catalog.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The server's durable queue: every accepted job is a row here before the API answers, and a server
 * holds a running job through a lease it renews ({@link #heartbeat}). One server at a time, the
 * holder of the leader lease ({@link #lead}), starts jobs; the others stand by. A server that dies
 * stops renewing; {@link #requeueOrphans} puts its jobs back in the queue, and their runs resume
 * from their committed chunks. Liveness is judged on the database's clock.
 */
public interface JobStore {

  /**
   * Stores a new QUEUED job, or returns the tenant's job with the same idempotency key.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code idempotencyKeyReused} (CONFLICT)
   *     when that job was submitted with another body
   */
  Submission submit(NewJob job);

  Optional<ServerJob> get(String id);

  /** The tenant's job submitted with idempotency key {@code key}, if any. */
  Optional<ServerJob> byIdempotencyKey(String tenant, String key);

  /** Jobs newest first, as {@code filter} says. */
  List<ServerJob> list(JobFilter filter);

  /** Every QUEUED job, oldest first: what the scheduler chooses from. */
  List<ServerJob> queued();

  /** Every RUNNING job, of any server. */
  List<ServerJob> running();

  /**
   * Takes or renews the leader lease for server {@code owner}. It gets the lease when no server
   * holds it, when it holds it already, or when its holder has not renewed it for {@code
   * leaseTimeout} by the database's clock; a takeover raises the epoch.
   *
   * @return who leads after the call
   */
  Leadership lead(String owner, Duration leaseTimeout);

  /** Gives up {@code owner}'s leader lease, so that a standby takes over at its next tick. */
  void resign(String owner);

  /**
   * Starts a QUEUED job for server {@code owner}, leader in {@code epoch}: QUEUED to RUNNING with
   * one compare-and-set, stamping the lease and counting an attempt.
   *
   * @return false when the job is no longer QUEUED (cancelled, or started already) or {@code owner}
   *     no longer leads in {@code epoch}
   */
  boolean claim(String id, String owner, long epoch);

  /** Records the engine run a RUNNING job of {@code owner} prepared. */
  void attachRun(String id, String owner, String runId);

  /** Renews the lease of every RUNNING job of {@code owner}; returns how many it holds. */
  int heartbeat(String owner);

  /**
   * Ends a RUNNING job of {@code owner} in {@code state}.
   *
   * @return false when {@code owner} no longer holds it (requeued after its lease lapsed)
   */
  boolean finish(String id, String owner, JobState state, Optional<String> message);

  /**
   * Queues a RUNNING job of {@code owner} again after the scheduler preempted it, counting the
   * preemption (not an attempt's failure) and keeping {@code reason} as its message; its run
   * resumes from its committed chunks when it starts again.
   *
   * @return false when {@code owner} no longer holds it, or its cancel was requested meanwhile
   */
  boolean requeuePreempted(String id, String owner, String reason);

  /**
   * Ends a QUEUED job without starting it (its upstream failed), with one compare-and-set.
   *
   * @return false when the job is no longer QUEUED
   */
  boolean endQueued(String id, JobState state, String message);

  /**
   * Cancels a job: a QUEUED one ends CANCELLED at once; a RUNNING one gets its cancel flag (its
   * server stops it at the next chunk boundary); an ended one is left as it is.
   *
   * @return the job after the request, empty when unknown
   */
  Optional<ServerJob> cancel(String id);

  /**
   * Queues an ended FAILED, PARTIAL or CANCELLED job again (its run resumes: only what was not
   * committed runs).
   *
   * @return the job after the request, empty when unknown
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code jobNotRetryable} (CONFLICT) when
   *     it is queued, running or SUCCEEDED
   */
  Optional<ServerJob> retry(String id);

  /**
   * Puts back in the queue every RUNNING job whose lease is older than {@code leaseTimeout} by the
   * database's clock (its server died), clearing owner and cancel flag.
   *
   * @return the jobs requeued
   */
  List<String> requeueOrphans(Duration leaseTimeout);
}
