package io.lakebatch.catalog.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One chunk in the ledger.
 *
 * @param deltaVersion the output table version whose commit holds the chunk, once committed
 */
public record ChunkRecord(
    String runId,
    int chunk,
    ChunkState state,
    long plannedRows,
    Optional<Long> rowsOut,
    Optional<Long> deadLetterRows,
    int attempts,
    Optional<Long> deltaVersion,
    Optional<String> lastError,
    Optional<Instant> committedAt,
    Instant updatedAt) {}
