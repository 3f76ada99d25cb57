package io.lakebatch.catalog.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/** One model output and the column it becomes. */
public record OutputColumn(
    String outputName, String column, OutputKind kind, ElementType element, ElementType mapKey)
    implements Serializable {
  public OutputColumn {
    requireNonNull(outputName, "outputName is null");
    requireNonNull(column, "column is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(element, "element is null");
    requireNonNull(mapKey, "mapKey is null");
  }
}
