package io.lakebatch.catalog.model;

/** How a model output becomes a column (SPEC.md). */
public enum OutputKind {
  /** {@code [N]} or {@code [N,1]}: one value per row. */
  SCALAR,
  /** {@code [N,k,...]}: an array per row (flattened). */
  ARRAY,
  /** A sequence of maps: one map per row. */
  MAP
}
