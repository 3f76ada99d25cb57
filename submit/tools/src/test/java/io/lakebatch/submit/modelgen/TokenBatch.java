package io.lakebatch.submit.modelgen;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Rows of real token ids of varying length, padded on demand with id 0 and mask 0. */
record TokenBatch(long[][] rows) {

  /** {@code count} rows of 1 to {@code longest} ids drawn from {@code [1, vocabulary)}. */
  static TokenBatch random(SplittableRandom random, int count, int longest, int vocabulary) {
    long[][] rows = new long[count][];
    for (int row = 0; row < count; row++) {
      rows[row] = new long[row == 0 ? longest : random.nextInt(1, longest + 1)];
      for (int position = 0; position < rows[row].length; position++) {
        rows[row][position] = random.nextInt(1, vocabulary);
      }
    }
    return new TokenBatch(rows);
  }

  TokenBatch row(int index) {
    return new TokenBatch(new long[][] {rows[index]});
  }

  int length(int row) {
    return rows[row].length;
  }

  int longest() {
    return Arrays.stream(rows).mapToInt(row -> row.length).max().orElse(0);
  }

  /** {@code [ids, mask]}, each [rows, length]. */
  long[][][] padded(int length) {
    long[][] ids = new long[rows.length][length];
    long[][] mask = new long[rows.length][length];
    for (int row = 0; row < rows.length; row++) {
      int real = Math.min(length, rows[row].length);
      System.arraycopy(rows[row], 0, ids[row], 0, real);
      Arrays.fill(mask[row], 0, real, 1L);
    }
    return new long[][][] {ids, mask};
  }
}
