package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

/**
 * A running chunk to stop at its boundary; its work so far is lost and the chunk waits again.
 *
 * @param chunk the chunk
 * @param reason why, for operators: e.g. {@code tenant b under its guaranteed share 0.25 (has
 *     0.05)}
 */
public record Preemption(RunningChunk chunk, String reason) {
  public Preemption {
    requireNonNull(chunk, "chunk is null");
    requireNonNull(reason, "reason is null");
  }
}
