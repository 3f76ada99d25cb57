package io.lakebatch.jobs;

import io.lakebatch.catalog.spec.TableFormat;

/**
 * What {@code lakebatch make-data} writes.
 *
 * @param rows rows in all
 * @param features float columns {@code f0..f<k-1>}, uniform in [-1, 1)
 * @param skew fraction of rows put in one single file (0 = rows spread evenly over files)
 * @param files files for the (non-skewed) rows
 * @param badEvery every this many rows one row gets a NaN in {@code f0} and another a null in
 *     {@code f1} (0 = no bad rows)
 * @param vectorColumn also write the features as one {@code array<float>} column {@code vec}
 * @param tokens length of an {@code array<bigint>} column {@code input_ids} (0 = none)
 * @param imageSize side of a {@code 3 x s x s} {@code array<float>} column {@code image} with pixel
 *     values {@code k / 255} for integer {@code k} in [0, 255] (0 = none)
 * @param textWords approximate mean words per row of a string column {@code text}, see {@link
 *     SyntheticText} (0 = none; otherwise at least {@value SyntheticText#MINIMUM_WORDS})
 * @param rowGroupBytes Parquet row-group size
 */
public record SyntheticTableOptions(
    long rows,
    int features,
    TableFormat format,
    double skew,
    int files,
    long badEvery,
    boolean vectorColumn,
    int tokens,
    int imageSize,
    int textWords,
    long rowGroupBytes,
    long seed) {
  public SyntheticTableOptions {
    if (rows < 0
        || features < 1
        || files < 1
        || badEvery < 0
        || tokens < 0
        || imageSize < 0
        || rowGroupBytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid synthetic table options: " + rowsDescription(rows, features, files));
    }
    if (textWords != 0 && textWords < SyntheticText.MINIMUM_WORDS) {
      throw new IllegalArgumentException(
          "Invalid text words (must be 0 or at least "
              + SyntheticText.MINIMUM_WORDS
              + "): "
              + textWords);
    }
    if (skew < 0 || skew >= 1) {
      throw new IllegalArgumentException("Invalid skew (must be in [0, 1)): " + skew);
    }
  }

  private static String rowsDescription(long rows, int features, int files) {
    return "rows " + rows + ", features " + features + ", files " + files;
  }

  public static SyntheticTableOptions of(long rows, int features, TableFormat format) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        0,
        Math.max(2, (int) Math.min(64, rows / 250_000)),
        0,
        false,
        0,
        0,
        0,
        8L << 20,
        7);
  }

  public SyntheticTableOptions withSkew(double value) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        value,
        files,
        badEvery,
        vectorColumn,
        tokens,
        imageSize,
        textWords,
        rowGroupBytes,
        seed);
  }

  public SyntheticTableOptions withFiles(int value) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        value,
        badEvery,
        vectorColumn,
        tokens,
        imageSize,
        textWords,
        rowGroupBytes,
        seed);
  }

  public SyntheticTableOptions withBadEvery(long value) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        files,
        value,
        vectorColumn,
        tokens,
        imageSize,
        textWords,
        rowGroupBytes,
        seed);
  }

  public SyntheticTableOptions withVectorColumn() {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        files,
        badEvery,
        true,
        tokens,
        imageSize,
        textWords,
        rowGroupBytes,
        seed);
  }

  public SyntheticTableOptions withTokens(int value) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        files,
        badEvery,
        vectorColumn,
        value,
        imageSize,
        textWords,
        rowGroupBytes,
        seed);
  }

  public SyntheticTableOptions withImageSize(int value) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        files,
        badEvery,
        vectorColumn,
        tokens,
        value,
        textWords,
        rowGroupBytes,
        seed);
  }

  /** Adds a string column {@code text} of about {@code meanWords} words per row; 0 removes it. */
  public SyntheticTableOptions withText(int meanWords) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        files,
        badEvery,
        vectorColumn,
        tokens,
        imageSize,
        meanWords,
        rowGroupBytes,
        seed);
  }

  public SyntheticTableOptions withRowGroupBytes(long value) {
    return new SyntheticTableOptions(
        rows,
        features,
        format,
        skew,
        files,
        badEvery,
        vectorColumn,
        tokens,
        imageSize,
        textWords,
        value,
        seed);
  }

  /** Whether row {@code id} was planted with a NaN in {@code f0} or a null in {@code f1}. */
  public boolean isBad(long id) {
    return badEvery > 0 && (id % badEvery == 7 % badEvery || id % badEvery == 3 % badEvery);
  }
}
