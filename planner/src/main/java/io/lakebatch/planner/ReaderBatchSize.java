package io.lakebatch.planner;

/**
 * Rows per batch of Spark's vectorized Parquet reader for rows of a given width. Spark decodes up
 * to {@value #SPARK_DEFAULT} rows of a row group per batch ({@code
 * spark.sql.parquet.columnarReaderBatchSize}): fine for narrow rows, but a 3x224x224 float image is
 * 600 KB, so one batch of a 700-row row group needs ~400 MB per task (and its growth doubles that),
 * which runs a 6 GB local driver out of heap at a few thousand rows. Wide rows get batches of about
 * {@value #TARGET_BATCH_BYTES} bytes instead.
 */
public final class ReaderBatchSize {
  /** Spark's own default rows per columnar batch. */
  public static final int SPARK_DEFAULT = 4096;

  /** Bytes a batch of wide rows aims at. */
  public static final long TARGET_BATCH_BYTES = 32L << 20;

  private ReaderBatchSize() {}

  /**
   * Rows per reader batch: {@link #SPARK_DEFAULT} unless that many rows of {@code rowBytes} pass
   * {@link #TARGET_BATCH_BYTES}, else as many rows as fit in it (at least one).
   *
   * @param rowBytes the decoded bytes of one row of the columns read (0 or less: unknown)
   */
  public static int rowsFor(long rowBytes) {
    if (rowBytes <= 0 || rowBytes * SPARK_DEFAULT <= TARGET_BATCH_BYTES) {
      return SPARK_DEFAULT;
    }
    return (int) Math.max(1, TARGET_BATCH_BYTES / rowBytes);
  }
}
