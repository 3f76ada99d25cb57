package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import io.lakebatch.catalog.model.TextEncoding;
import io.lakebatch.udf.HashingTokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Texts tokenized up front (not timed) with the model's {@link HashingTokenizer}. Batches keep the
 * input order and are padded to their own longest row: token ids and the attention mask, both int64
 * {@code [n, longest]}.
 */
final class TokenizedTextRows implements InMemoryRows {
  private final String idsInput;
  private final String maskInput;
  private final long[][] ids;
  private final int maxTokens;

  private TokenizedTextRows(String idsInput, String maskInput, long[][] ids, int maxTokens) {
    this.idsInput = requireNonNull(idsInput, "idsInput is null");
    this.maskInput = requireNonNull(maskInput, "maskInput is null");
    this.ids = ids;
    this.maxTokens = maxTokens;
  }

  /**
   * Tokenizes every text; a text without any word becomes one padding token, as LakeBatch feeds it.
   */
  static TokenizedTextRows tokenize(
      List<String> texts, TextEncoding encoding, String idsInput, String maskInput) {
    HashingTokenizer tokenizer = new HashingTokenizer(encoding);
    long[] scratch = new long[encoding.maxTokens()];
    long[][] ids = new long[texts.size()][];
    for (int row = 0; row < ids.length; row++) {
      String text = texts.get(row);
      int count = text == null ? 0 : tokenizer.encode(text, scratch, 0);
      ids[row] = count == 0 ? new long[1] : Arrays.copyOf(scratch, count);
    }
    return new TokenizedTextRows(idsInput, maskInput, ids, encoding.maxTokens());
  }

  /** Tokens of every row, for the report. */
  long tokens() {
    return Arrays.stream(ids).mapToLong(row -> row.length).sum();
  }

  @Override
  public int rows() {
    return ids.length;
  }

  @Override
  public BatchWriter writer(int batchSize) {
    LongBuffer idsBuffer = directLongs(batchSize * maxTokens);
    LongBuffer maskBuffer = directLongs(batchSize * maxTokens);
    return (env, from, n) -> {
      int longest = 1;
      for (int row = from; row < from + n; row++) {
        longest = Math.max(longest, ids[row].length);
      }
      idsBuffer.clear();
      maskBuffer.clear();
      for (int row = from; row < from + n; row++) {
        long[] tokens = ids[row];
        idsBuffer.put(tokens);
        for (int i = 0; i < longest; i++) {
          maskBuffer.put(i < tokens.length && tokens[i] != 0 ? 1L : 0L);
        }
        for (int i = tokens.length; i < longest; i++) {
          idsBuffer.put(0L);
        }
      }
      idsBuffer.flip();
      maskBuffer.flip();
      long[] shape = {n, longest};
      OnnxTensor idsTensor = OnnxTensor.createTensor(env, idsBuffer, shape);
      try {
        return Map.of(
            idsInput, idsTensor, maskInput, OnnxTensor.createTensor(env, maskBuffer, shape));
      } catch (RuntimeException | ai.onnxruntime.OrtException e) {
        idsTensor.close();
        throw e;
      }
    };
  }

  private static LongBuffer directLongs(int count) {
    return ByteBuffer.allocateDirect(count * Long.BYTES)
        .order(ByteOrder.nativeOrder())
        .asLongBuffer();
  }
}
