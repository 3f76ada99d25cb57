package io.lakebatch.catalog.model;

import static java.util.Objects.requireNonNull;

/** One column of the input table. */
public record TableColumn(String name, ColumnType type) {
  public TableColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
