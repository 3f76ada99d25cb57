package io.lakebatch.server;

import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.ExecutionMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Server jobs for the scheduling policies' tests, as the job store would return them. */
final class TestJobs {
  private TestJobs() {}

  /** A queued job of tenant {@code t}, submitted at the epoch. */
  static ServerJob job(long sequence, String priority, int cores) {
    return job(sequence, "t", priority, cores, Instant.EPOCH);
  }

  static ServerJob job(
      long sequence, String tenant, String priority, int cores, Instant submittedAt) {
    return new ServerJob(
        "job-" + sequence,
        sequence,
        tenant,
        "n",
        Optional.empty(),
        "sha",
        "spec",
        priority,
        cores,
        ExecutionMode.SHARED,
        JobState.QUEUED,
        Optional.empty(),
        Optional.empty(),
        0,
        false,
        Optional.empty(),
        submittedAt,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        0);
  }

  /** {@code job} running since {@code second} after the epoch. */
  static ServerJob started(ServerJob job, long second) {
    return new ServerJob(
        job.id(),
        job.sequence(),
        job.tenant(),
        job.name(),
        job.idempotencyKey(),
        job.bodySha256(),
        job.specText(),
        job.priority(),
        job.cores(),
        job.executionMode(),
        JobState.RUNNING,
        job.runId(),
        Optional.of("s1"),
        1,
        false,
        Optional.empty(),
        job.submittedAt(),
        Optional.of(Instant.ofEpochSecond(second)),
        Optional.empty(),
        job.dependsOn(),
        0);
  }
}
