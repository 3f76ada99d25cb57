package io.lakebatch.catalog.store;

/**
 * A chunk found in an output table's Delta log: the version that committed it and the rows it added
 * ({@code -1} when the log does not say). What the ledger is rebuilt from.
 */
public record ChunkCommit(int chunk, long deltaVersion, long rowsOut, long deadLetterRows) {}
