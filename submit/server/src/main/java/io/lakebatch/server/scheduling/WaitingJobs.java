package io.lakebatch.server.scheduling;

import io.lakebatch.catalog.spec.Priority;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The jobs with chunks waiting for a grant, kept in the orders the schedulers read so that no
 * scheduling round rescans every job: in submission order, in class-then-value order, and per
 * tenant in buckets of equal (class, value), each bucket oldest first. Within a bucket the oldest
 * job has the highest {@link AgingPriority}, so a tenant's best job is among the bucket heads.
 */
public final class WaitingJobs {
  private static final Comparator<WaitingJob> BY_SUBMISSION =
      Comparator.<WaitingJob>comparingLong(w -> w.job().submittedAt())
          .thenComparing(w -> w.job().id());
  private static final Comparator<WaitingJob> BY_CLASS_THEN_VALUE =
      Comparator.<WaitingJob, Integer>comparing(w -> bucketKey(w.job()))
          .thenComparing(BY_SUBMISSION);

  private final Map<String, WaitingJob> byId = new HashMap<>();
  private final TreeSet<WaitingJob> bySubmission = new TreeSet<>(BY_SUBMISSION);
  private final TreeSet<WaitingJob> byClassThenValue = new TreeSet<>(BY_CLASS_THEN_VALUE);
  private final NavigableMap<String, TenantQueue> byTenant = new TreeMap<>();
  private long chunks;

  private static final class TenantQueue {
    final NavigableMap<Integer, TreeSet<WaitingJob>> buckets = new TreeMap<>();
    final NavigableMap<Integer, NavigableSet<WaitingJob>> bucketViews = new TreeMap<>();
    final NavigableMap<Integer, Integer> jobsByChunkCores = new TreeMap<>();
    Demand demand = Demand.ZERO;
  }

  /** Bucket order: HIGH before NORMAL before LOW, higher value first. */
  private static int bucketKey(SchedulableJob job) {
    return job.priority().ordinal() * (SchedulableJob.MAX_VALUE + 1)
        + SchedulableJob.MAX_VALUE
        - job.value();
  }

  /** Queues {@code job}'s remaining chunks. */
  public void add(SchedulableJob job) {
    addChunks(job, job.remainingChunks());
  }

  /** Queues {@code count} more chunks of {@code job}, which may already be waiting. */
  public void addChunks(SchedulableJob job, int count) {
    if (count <= 0) {
      return;
    }
    WaitingJob waiting = byId.get(job.id());
    TenantQueue queue = byTenant.computeIfAbsent(job.tenant(), t -> new TenantQueue());
    if (waiting == null) {
      waiting = new WaitingJob(job, 0);
      byId.put(job.id(), waiting);
      bySubmission.add(waiting);
      byClassThenValue.add(waiting);
      TreeSet<WaitingJob> bucket = queue.buckets.get(bucketKey(job));
      if (bucket == null) {
        bucket = new TreeSet<>(BY_SUBMISSION);
        queue.buckets.put(bucketKey(job), bucket);
        queue.bucketViews.put(bucketKey(job), Collections.unmodifiableNavigableSet(bucket));
      }
      bucket.add(waiting);
      queue.jobsByChunkCores.merge(job.chunkDemand().cores(), 1, Integer::sum);
    }
    waiting.addChunks(count);
    queue.demand = queue.demand.plus(job.chunkDemand().times(count));
    chunks += count;
  }

  /** Takes one waiting chunk of job {@code jobId} off the queue and returns the job. */
  public SchedulableJob takeChunk(String jobId) {
    WaitingJob waiting = byId.get(jobId);
    if (waiting == null) {
      throw new IllegalStateException("No chunk of job %s is waiting".formatted(jobId));
    }
    SchedulableJob job = waiting.job();
    TenantQueue queue = byTenant.get(job.tenant());
    waiting.addChunks(-1);
    queue.demand = queue.demand.minus(job.chunkDemand());
    chunks--;
    if (waiting.waitingChunks() == 0) {
      byId.remove(jobId);
      bySubmission.remove(waiting);
      byClassThenValue.remove(waiting);
      queue.jobsByChunkCores.merge(
          job.chunkDemand().cores(), -1, (a, b) -> a + b == 0 ? null : a + b);
      TreeSet<WaitingJob> bucket = queue.buckets.get(bucketKey(job));
      bucket.remove(waiting);
      if (bucket.isEmpty()) {
        queue.buckets.remove(bucketKey(job));
        queue.bucketViews.remove(bucketKey(job));
        if (queue.buckets.isEmpty()) {
          byTenant.remove(job.tenant());
        }
      }
    }
    return job;
  }

  /** How many chunks of job {@code jobId} wait. */
  public int waitingChunks(String jobId) {
    WaitingJob waiting = byId.get(jobId);
    return waiting == null ? 0 : waiting.waitingChunks();
  }

  /** Whether nothing waits. */
  public boolean isEmpty() {
    return byId.isEmpty();
  }

  /** How many chunks wait in all. */
  public long chunkCount() {
    return chunks;
  }

  /** The waiting jobs, oldest submission first. */
  public Collection<WaitingJob> inSubmissionOrder() {
    return Collections.unmodifiableSet(bySubmission);
  }

  /** The waiting jobs by class, then value (higher first), then submission. */
  public Collection<WaitingJob> inClassThenValueOrder() {
    return Collections.unmodifiableSet(byClassThenValue);
  }

  /** The tenants with waiting chunks, in name order. */
  public Set<String> tenants() {
    return Collections.unmodifiableSet(byTenant.keySet());
  }

  /**
   * {@code tenant}'s waiting jobs in buckets of equal class and value, HIGH and higher values
   * first; each bucket oldest first.
   */
  public Collection<NavigableSet<WaitingJob>> bucketsOf(String tenant) {
    TenantQueue queue = byTenant.get(tenant);
    return queue == null
        ? Set.of()
        : Collections.unmodifiableCollection(queue.bucketViews.values());
  }

  /**
   * The fewest cores any waiting chunk of {@code tenant} needs; {@code Integer.MAX_VALUE} if none.
   */
  public int smallestChunkCoresOf(String tenant) {
    TenantQueue queue = byTenant.get(tenant);
    return queue == null ? Integer.MAX_VALUE : queue.jobsByChunkCores.firstKey();
  }

  /** Whether {@code tenant} has a waiting job of class {@code priority}. */
  public boolean hasWaiting(String tenant, Priority priority) {
    TenantQueue queue = byTenant.get(tenant);
    int first = priority.ordinal() * (SchedulableJob.MAX_VALUE + 1);
    return queue != null
        && !queue.buckets.subMap(first, first + SchedulableJob.MAX_VALUE + 1).isEmpty();
  }

  /** What all of {@code tenant}'s waiting chunks would hold together. */
  public Demand demandOf(String tenant) {
    TenantQueue queue = byTenant.get(tenant);
    return queue == null ? Demand.ZERO : queue.demand;
  }
}
