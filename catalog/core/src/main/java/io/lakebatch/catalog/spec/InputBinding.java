package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Where one model input's tensor comes from (spec key {@code model.inputs.<name>}). */
public sealed interface InputBinding {
  /** The input columns this binding reads, in tensor order. */
  List<String> columns();

  /** A list of numeric columns, one tensor element per column: tensor {@code [N, k]}. */
  record ColumnList(List<String> columns) implements InputBinding {
    public ColumnList {
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }
  }

  /**
   * One array column. Without {@code shape} the tensor is {@code [N, len]}; with it the array is
   * reshaped to {@code [N, shape...]} and must hold exactly the product of the shape elements.
   */
  record ArrayColumn(String column, List<Long> shape) implements InputBinding {
    public ArrayColumn {
      requireNonNull(column, "column is null");
      shape = List.copyOf(requireNonNull(shape, "shape is null"));
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /**
   * A text column, tokenized with the tokenizer the model declares in its metadata into token ids
   * {@code [N, S]}: {@code S} is the longest row of the batch, at most {@code maxTokens} (empty =
   * the model's maximum length).
   */
  record TextColumn(String column, java.util.OptionalInt maxTokens) implements InputBinding {
    public TextColumn {
      requireNonNull(column, "column is null");
      requireNonNull(maxTokens, "maxTokens is null");
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** The attention mask of the text input {@code idsInput}: 1 for a token, 0 for padding. */
  record TokenMask(String idsInput) implements InputBinding {
    public TokenMask {
      requireNonNull(idsInput, "idsInput is null");
    }

    @Override
    public List<String> columns() {
      return List.of();
    }
  }
}
