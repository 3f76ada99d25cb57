package io.lakebatch.submit.bench;

/** The parts of {@code lakebatch bench} besides the per-profile table. */
public enum BenchmarkSection {
  /** The mlp profile on uniform, 80%-in-one-file and many-tiny-files inputs of the same rows. */
  SKEW,
  /** The mlp profile's LakeBatch run at growing sizes: ns/row, its spread and peak memory. */
  SCALING
}
