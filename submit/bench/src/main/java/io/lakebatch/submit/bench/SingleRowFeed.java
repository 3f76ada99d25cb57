package io.lakebatch.submit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.lakebatch.catalog.model.TextEncoding;
import io.lakebatch.submit.modelgen.EncoderModel;
import io.lakebatch.udf.HashingTokenizer;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import scala.collection.Seq;

/**
 * How the naive UDF turns one row's value into a batch of one: what a user writes first, no reuse.
 */
interface SingleRowFeed extends Serializable {
  /** Input tensors for one row, by model input name; the caller closes them. */
  Map<String, OnnxTensor> tensors(OrtEnvironment env, Object value) throws OrtException;

  /**
   * The profile's feed: an {@code array<float>} value shaped {@code [1, rowShape...]}, or one text
   * tokenized.
   */
  static SingleRowFeed of(BenchmarkProfile profile, TextEncoding encoding) {
    return profile.isText()
        ? new Text(profile.modelInput(), EncoderModel.ATTENTION_MASK_NAME, encoding)
        : new FloatArray(profile.modelInput(), profile.rowShape());
  }

  /**
   * A Spark {@code array<float>} (a Scala {@code Seq} of boxed floats) as a {@code [1,
   * rowShape...]} tensor.
   */
  record FloatArray(String inputName, long[] rowShape) implements SingleRowFeed {
    @Override
    public Map<String, OnnxTensor> tensors(OrtEnvironment env, Object value) throws OrtException {
      Seq<?> values = (Seq<?>) value;
      float[] row = new float[values.size()];
      for (int i = 0; i < row.length; i++) {
        row[i] = (Float) values.apply(i);
      }
      long[] shape = new long[rowShape.length + 1];
      shape[0] = 1;
      System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
      return Map.of(inputName, OnnxTensor.createTensor(env, FloatBuffer.wrap(row), shape));
    }
  }

  /** A string tokenized into ids and a mask of ones, both {@code [1, tokens]}. */
  record Text(String idsInput, String maskInput, TextEncoding encoding) implements SingleRowFeed {
    @Override
    public Map<String, OnnxTensor> tensors(OrtEnvironment env, Object value) throws OrtException {
      long[] ids = new long[encoding.maxTokens()];
      int count = Math.max(1, new HashingTokenizer(encoding).encode((String) value, ids, 0));
      long[] row = Arrays.copyOf(ids, count);
      long[] mask = new long[count];
      for (int i = 0; i < count; i++) {
        mask[i] = row[i] == 0 ? 0 : 1;
      }
      OnnxTensor idsTensor = OnnxTensor.createTensor(env, new long[][] {row});
      return Map.of(
          idsInput, idsTensor, maskInput, OnnxTensor.createTensor(env, new long[][] {mask}));
    }
  }
}
