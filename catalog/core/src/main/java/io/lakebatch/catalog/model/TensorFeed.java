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
 * @param text for a text column: how it is tokenized ({@code rowShape} is then {@code [maxTokens]},
 *     the room one row takes; a batch is padded to its longest row only); null otherwise
 */
public record TensorFeed(
    String inputName,
    ElementType tensorType,
    List<Long> rowShape,
    List<String> columns,
    boolean arrayColumn,
    TextEncoding text)
    implements Serializable {
  public TensorFeed {
    requireNonNull(inputName, "inputName is null");
    requireNonNull(tensorType, "tensorType is null");
    rowShape = List.copyOf(rowShape);
    columns = List.copyOf(columns);
  }

  /** A feed from numeric columns or one array column. */
  public TensorFeed(
      String inputName,
      ElementType tensorType,
      List<Long> rowShape,
      List<String> columns,
      boolean arrayColumn) {
    this(inputName, tensorType, rowShape, columns, arrayColumn, null);
  }

  /** Token ids or mask of a text column. */
  public static TensorFeed text(
      String inputName, ElementType tensorType, String column, TextEncoding text) {
    return new TensorFeed(
        inputName, tensorType, List.of((long) text.maxTokens()), List.of(column), false, text);
  }

  public boolean isText() {
    return text != null;
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
