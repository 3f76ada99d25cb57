package io.lakebatch.catalog.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A run as the run store holds it. {@code epoch} is the fencing token of its latest take (see
 * {@link RunLease}); 0 until its first take. {@code owner} is the driver of that take, absent when
 * no driver holds the run (queued, or ended by another process).
 */
public record RunRecord(
    String runId,
    String name,
    String runKey,
    String specHash,
    String specText,
    String modelUri,
    Optional<String> modelName,
    Optional<Integer> modelVersion,
    String modelSha256,
    String inputPath,
    long inputVersion,
    String outputPath,
    String deadLetterPath,
    RunState state,
    int attempts,
    long rowsTotal,
    int chunksTotal,
    long rowsInFlight,
    int batchSize,
    Optional<String> errorSummary,
    Optional<String> logPath,
    Optional<String> owner,
    long epoch,
    boolean cancelRequested,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> attemptStartedAt,
    Optional<Instant> finishedAt,
    Optional<Instant> heartbeatAt,
    long rowVersion) {

  /** {@code name@version} when the model is registered, else its URI. */
  public String modelLabel() {
    return modelName.map(n -> n + "@" + modelVersion.orElse(0)).orElse(modelUri);
  }
}
