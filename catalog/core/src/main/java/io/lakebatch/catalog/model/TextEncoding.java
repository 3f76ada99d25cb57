package io.lakebatch.catalog.model;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/**
 * How a text column becomes a model input: the tokenizer a model declares in its ONNX metadata and
 * whether the input takes the token ids or their attention mask.
 *
 * @param mask false for token ids, true for the mask (1 per token, 0 per padding position)
 * @param vocabSize ids are in {@code [1, vocabSize)}; 0 is padding
 * @param maxTokens longest token sequence fed; longer texts are truncated
 */
public record TextEncoding(boolean mask, String tokenizer, int vocabSize, int maxTokens)
    implements Serializable {
  /** Metadata key naming the tokenizer; {@value #HASHING} is the one LakeBatch ships. */
  public static final String TOKENIZER_KEY = "lakebatch.tokenizer";

  public static final String VOCAB_SIZE_KEY = "lakebatch.vocab-size";
  public static final String MAX_LENGTH_KEY = "lakebatch.max-length";
  public static final String HASHING = "hashing";

  public TextEncoding {
    if (!HASHING.equals(tokenizer)) {
      throw new IllegalArgumentException(
          "Unsupported tokenizer '" + tokenizer + "'; supported: " + HASHING);
    }
    if (vocabSize < 2 || maxTokens < 1) {
      throw new IllegalArgumentException(
          "Invalid vocabulary size or max tokens: " + vocabSize + ", " + maxTokens);
    }
  }

  /**
   * The tokenizer a model's metadata declares, or empty if it declares none.
   *
   * @throws IllegalArgumentException if the metadata names a tokenizer but its settings are
   *     unusable
   */
  public static Optional<TextEncoding> fromMetadata(Map<String, String> metadata) {
    String tokenizer = metadata.get(TOKENIZER_KEY);
    if (tokenizer == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new TextEncoding(
              false,
              tokenizer,
              Integer.parseInt(metadata.getOrDefault(VOCAB_SIZE_KEY, "")),
              Integer.parseInt(metadata.getOrDefault(MAX_LENGTH_KEY, ""))));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "model metadata "
              + VOCAB_SIZE_KEY
              + " / "
              + MAX_LENGTH_KEY
              + " must be whole numbers, got "
              + metadata.get(VOCAB_SIZE_KEY)
              + " / "
              + metadata.get(MAX_LENGTH_KEY),
          e);
    }
  }

  public TextEncoding withMaxTokens(int value) {
    return new TextEncoding(mask, tokenizer, vocabSize, value);
  }

  public TextEncoding asMask() {
    return new TextEncoding(true, tokenizer, vocabSize, maxTokens);
  }
}
