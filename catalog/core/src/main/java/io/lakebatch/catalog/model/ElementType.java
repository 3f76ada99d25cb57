package io.lakebatch.catalog.model;

import java.util.Set;

/** Element types shared by table columns and model tensors. */
public enum ElementType {
  BOOL,
  INT8,
  INT16,
  INT32,
  INT64,
  FLOAT,
  DOUBLE,
  STRING,
  /** Anything LakeBatch cannot feed to or read from a model (structs, timestamps, float16, ...). */
  OTHER;

  /** Whether every value of this type converts to {@code target} without loss. */
  public boolean convertsExactlyTo(ElementType target) {
    if (this == target) {
      return this != OTHER;
    }
    return switch (this) {
      case BOOL -> false;
      case INT8, INT16 -> Set.of(INT16, INT32, INT64, FLOAT, DOUBLE).contains(target);
      case INT32 -> Set.of(INT64, DOUBLE).contains(target);
      case FLOAT -> target == DOUBLE;
      default -> false;
    };
  }

  public boolean isNumeric() {
    return this != BOOL && this != STRING && this != OTHER;
  }

  public String displayName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
