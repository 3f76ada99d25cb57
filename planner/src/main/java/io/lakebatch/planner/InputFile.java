package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

/**
 * A data file of the pinned input, with its row count from table metadata (Delta {@code numRecords}
 * or the Parquet footer).
 */
public record InputFile(String path, long sizeBytes, long rows) {
  public InputFile {
    requireNonNull(path, "path is null");
    if (sizeBytes < 0 || rows < 0) {
      throw new IllegalArgumentException("Invalid input file (negative size or rows): " + path);
    }
  }
}
