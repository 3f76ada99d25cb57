package io.lakebatch.catalog.spec;

import java.util.OptionalInt;

/** {@code execution.batch-size}: a fixed number of rows per ONNX Runtime call, or {@code auto}. */
public record BatchSize(OptionalInt rows) {
  public BatchSize {
    java.util.Objects.requireNonNull(rows, "rows is null");
    if (rows.isPresent() && rows.getAsInt() <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + rows.getAsInt());
    }
  }

  public static BatchSize fixed(int rows) {
    return new BatchSize(OptionalInt.of(rows));
  }

  public static BatchSize auto() {
    return new BatchSize(OptionalInt.empty());
  }

  public boolean isAuto() {
    return rows.isEmpty();
  }

  @Override
  public String toString() {
    return isAuto() ? "auto" : Integer.toString(rows.getAsInt());
  }
}
