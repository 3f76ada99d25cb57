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
 * @param padding for an input whose first dimension after the batch varies per row (token ids, a
 *     mask, a sequence of vectors): how each batch is padded; {@code rowShape} is then {@code
 *     [maxLength, d...]} ({@code -1} first when there is no limit) and a row of an array column
 *     holds a whole number of positions of {@code d...} elements each; null for fixed-size rows
 */
public record TensorFeed(
    String inputName,
    ElementType tensorType,
    List<Long> rowShape,
    List<String> columns,
    boolean arrayColumn,
    TextEncoding text,
    Padding padding)
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
    this(inputName, tensorType, rowShape, columns, arrayColumn, null, null);
  }

  /** Token ids or mask of a text column, its sequence dimension unnamed. */
  public static TensorFeed text(
      String inputName, ElementType tensorType, String column, TextEncoding text) {
    return text(inputName, tensorType, column, text, "");
  }

  /** Token ids or mask of a text column, its sequence dimension named {@code dimension}. */
  public static TensorFeed text(
      String inputName,
      ElementType tensorType,
      String column,
      TextEncoding text,
      String dimension) {
    return new TensorFeed(
        inputName,
        tensorType,
        List.of((long) text.maxTokens()),
        List.of(column),
        false,
        text,
        Padding.of(dimension, text.maxTokens()));
  }

  /**
   * A variable-length array column into an input {@code [N, S, d...]}: {@code positionShape} is
   * {@code [d...]} (empty for {@code [N, S]}).
   */
  public static TensorFeed paddedArray(
      String inputName,
      ElementType tensorType,
      List<Long> positionShape,
      String column,
      Padding padding) {
    List<Long> shape = new java.util.ArrayList<>();
    shape.add(padding.limited() ? padding.maxLength() : -1L);
    shape.addAll(positionShape);
    return new TensorFeed(inputName, tensorType, shape, List.of(column), true, null, padding);
  }

  public boolean isText() {
    return text != null;
  }

  /** Whether rows vary in length and each batch is padded to its longest row. */
  public boolean isPadded() {
    return padding != null;
  }

  /**
   * Elements of the tensor one row contributes; for a padded input without a maximum length, those
   * of one position (a lower bound).
   */
  public int elementsPerRow() {
    if (rowShape.isEmpty()) {
      return 1;
    }
    long n = isPadded() && !padding.limited() ? 1 : rowShape.get(0);
    return Math.toIntExact(n * elementsPerPosition());
  }

  /** Elements after the first row dimension: of one position of a padded input. */
  public int elementsPerPosition() {
    long n = 1;
    for (long d : rowShape.subList(Math.min(1, rowShape.size()), rowShape.size())) {
      n *= d;
    }
    return Math.toIntExact(n);
  }
}
