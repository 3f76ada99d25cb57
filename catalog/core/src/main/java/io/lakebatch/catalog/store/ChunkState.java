package io.lakebatch.catalog.store;

/** A chunk's state in the ledger. */
public enum ChunkState {
  /** Planned, not yet committed. */
  PENDING,
  /** Being scored and committed by the run's driver. */
  RUNNING,
  /** In the output table's Delta log under the chunk's transaction id. */
  COMMITTED,
  /** Exhausted its retries in the last attempt; a rerun tries it again. */
  FAILED
}
