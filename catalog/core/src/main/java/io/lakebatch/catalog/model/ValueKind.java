package io.lakebatch.catalog.model;

/** The ONNX value kinds LakeBatch distinguishes. */
public enum ValueKind {
  TENSOR,
  /** {@code seq(map(K, V))}, as classifier converters emit for per-class probabilities (ZipMap). */
  SEQUENCE_OF_MAPS,
  OTHER
}
