package io.lakebatch.udf;

import io.lakebatch.catalog.model.TextEncoding;

/**
 * The tokenizer LakeBatch ships ({@code lakebatch.tokenizer=hashing}): lower-cased runs of letters
 * and digits, each mapped to {@code 1 + (FNV-1a 64 of the word mod (vocabSize - 1))}; 0 is padding.
 * Needs no vocabulary file, so a model and its tokenizer travel as one ONNX file.
 */
public final class HashingTokenizer {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final int vocabSize;
  private final int maxTokens;

  public HashingTokenizer(TextEncoding encoding) {
    this.vocabSize = encoding.vocabSize();
    this.maxTokens = encoding.maxTokens();
  }

  /**
   * Writes the token ids of {@code text} into {@code out[offset...]}, at most {@code maxTokens}.
   *
   * @return tokens written
   */
  public int encode(CharSequence text, long[] out, int offset) {
    int count = 0;
    long hash = FNV_OFFSET;
    boolean inWord = false;
    for (int i = 0, n = text.length(); i < n && count < maxTokens; i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        char lower = Character.toLowerCase(c);
        hash = (hash ^ (lower & 0xff)) * FNV_PRIME;
        hash = (hash ^ (lower >>> 8)) * FNV_PRIME;
        inWord = true;
      } else if (inWord) {
        out[offset + count++] = id(hash);
        hash = FNV_OFFSET;
        inWord = false;
      }
    }
    if (inWord && count < maxTokens) {
      out[offset + count++] = id(hash);
    }
    return count;
  }

  private long id(long hash) {
    return 1 + Math.floorMod(hash, (long) vocabSize - 1);
  }
}
