package io.lakebatch.catalog.model;

import static java.util.Objects.requireNonNull;

/**
 * The type of an input table column as far as model inputs care: an element type, maybe an array.
 */
public record ColumnType(ElementType element, boolean array, String sqlName) {
  public ColumnType {
    requireNonNull(element, "element is null");
    requireNonNull(sqlName, "sqlName is null");
  }

  @Override
  public String toString() {
    return sqlName;
  }
}
