package io.lakebatch.catalog.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * How a model input whose first dimension after the batch is dynamic (a sequence) is fed: rows of
 * different lengths, each batch padded with zeros to its own longest row.
 *
 * @param dimension the symbolic name of that dynamic dimension in the model ({@code ""} when
 *     unnamed); feeds with the same dimension are padded to one length per batch, and a row must
 *     have the same length in each of them (unnamed dimensions count as one)
 * @param maxLength most positions a row may have ({@code 0}: no limit)
 * @param maskOf the model input whose positions this input masks (1 per real position, 0 per
 *     padding one), or {@code ""} when this input is not such a mask
 */
public record Padding(String dimension, int maxLength, String maskOf) implements Serializable {
  public Padding {
    requireNonNull(dimension, "dimension is null");
    requireNonNull(maskOf, "maskOf is null");
    if (maxLength < 0) {
      throw new IllegalArgumentException("Invalid max length (negative): " + maxLength);
    }
  }

  /** Padding of a sequence that is not a mask of another input. */
  public static Padding of(String dimension, int maxLength) {
    return new Padding(dimension, maxLength, "");
  }

  public boolean limited() {
    return maxLength > 0;
  }

  public boolean isMask() {
    return !maskOf.isEmpty();
  }

  /** The same padding, as the mask of {@code idsInput}. */
  public Padding asMaskOf(String idsInput) {
    return new Padding(dimension, maxLength, idsInput);
  }
}
