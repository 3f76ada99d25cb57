package io.lakebatch.catalog.jobs;

import io.lakebatch.catalog.spec.ExecutionMode;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A job as the job store holds it.
 *
 * @param id the job's id ({@code job-} and 16 hex digits), what the API names it by
 * @param sequence submission order, increasing; the list cursor
 * @param runId the engine run the job's latest start prepared (its progress, chunks and log)
 * @param owner the server instance running it (RUNNING only)
 * @param executionMode where a server runs it: in its own SparkSession or a Spark application of
 *     its own
 * @param attempts how many times a server started it
 * @param message why it ended as it did (failure message, cancel)
 * @param dependsOn the jobs (ids or the tenant's idempotency keys) that must succeed first
 * @param preemptions how often the scheduler stopped it for a job of a higher class and queued it
 *     again (not counted as failures)
 */
public record ServerJob(
    String id,
    long sequence,
    String tenant,
    String name,
    Optional<String> idempotencyKey,
    String bodySha256,
    String specText,
    String priority,
    int cores,
    ExecutionMode executionMode,
    JobState state,
    Optional<String> runId,
    Optional<String> owner,
    int attempts,
    boolean cancelRequested,
    Optional<String> message,
    Instant submittedAt,
    Optional<Instant> startedAt,
    Optional<Instant> endedAt,
    List<String> dependsOn,
    int preemptions) {
  /** How a job id is spelled: {@code job-} and 16 hex digits. */
  public static final Pattern ID = Pattern.compile("job-[0-9a-f]{16}");

  public ServerJob {
    dependsOn = List.copyOf(dependsOn);
  }

  /** The id spelled from 8 random bytes. */
  public static String id(byte[] random) {
    if (random.length != 8) {
      throw new IllegalArgumentException("a job id takes 8 bytes, got " + random.length);
    }
    return "job-" + HexFormat.of().formatHex(random);
  }
}
