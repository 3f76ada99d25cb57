package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import java.util.List;

/**
 * {@code execution.max-bad-row-fraction} over the whole run: chunks committed by earlier attempts
 * count, so a rerun cannot end SUCCEEDED past the limit an earlier attempt failed on.
 */
record BadRowBudget(double limit, String deadLetterPath, long rowsIn, long badRows) {
  /** The budget with the rows of the chunks the ledger holds as committed. */
  static BadRowBudget of(double limit, String deadLetterPath, List<ChunkRecord> ledger) {
    long in = 0;
    long bad = 0;
    for (ChunkRecord chunk : ledger) {
      if (chunk.state() == ChunkState.COMMITTED) {
        long deadLetters = chunk.deadLetterRows().orElse(0L);
        in += chunk.rowsOut().orElse(0L) + deadLetters;
        bad += deadLetters;
      }
    }
    return new BadRowBudget(limit, deadLetterPath, in, bad);
  }

  BadRowBudget plus(long chunkRowsIn, long chunkBadRows) {
    return new BadRowBudget(limit, deadLetterPath, rowsIn + chunkRowsIn, badRows + chunkBadRows);
  }

  /** Fails the run (a data error) when the run's rejected rows so far exceed the limit. */
  void check() {
    if (rowsIn > 0 && (double) badRows / rowsIn > limit) {
      throw LakeBatchErrors.tooManyBadRows(badRows, rowsIn, limit, deadLetterPath);
    }
  }
}
