package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.nio.file.Path;

/**
 * What {@code lakebatch bench} measures.
 *
 * @param rows rows in the benchmark table, the same for every path
 * @param cores Spark's {@code local[cores]} and the number of threads of the raw ONNX Runtime loop
 * @param out folder for the generated model and tables ({@code out/run}, recreated) and the results
 */
public record BenchmarkOptions(long rows, int cores, Path out) {
  public static final long MIN_ROWS = 1_000;
  /** The raw loop holds every row's features in one {@code float[]}; this keeps it far below 2^31 elements. */
  public static final long MAX_ROWS = 50_000_000;
  public static final int MAX_CORES = 256;

  public BenchmarkOptions {
    requireNonNull(out, "out is null");
    if (rows < MIN_ROWS || rows > MAX_ROWS) {
      throw LakeBatchErrors.usage(String.format(
          "Invalid benchmark rows %,d (must be in [%,d, %,d])", rows, MIN_ROWS, MAX_ROWS));
    }
    if (cores < 1 || cores > MAX_CORES) {
      throw LakeBatchErrors.usage(String.format(
          "Invalid benchmark cores %d (must be in [1, %d])", cores, MAX_CORES));
    }
  }
}
