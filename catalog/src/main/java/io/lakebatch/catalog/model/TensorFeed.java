package io.lakebatch.catalog.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * How one model input tensor is filled from a row: resolved against the table and the model.
 *
 * @param inputName the model input
 * @param tensorType element type the model declares
 * @param rowShape tensor dimensions after the batch dimension
 * @param columns source columns: several scalar columns, or exactly one array column
 * @param arrayColumn whether {@code columns} is one array column
 */
public record TensorFeed(
    String inputName, ElementType tensorType, List<Long> rowShape, List<String> columns, boolean arrayColumn)
    implements Serializable {
  public TensorFeed {
    requireNonNull(inputName, "inputName is null");
    requireNonNull(tensorType, "tensorType is null");
    rowShape = List.copyOf(rowShape);
    columns = List.copyOf(columns);
  }

  /** Elements of the tensor one row contributes. */
  public int elementsPerRow() {
    long n = 1;
    for (long d : rowShape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }
}
