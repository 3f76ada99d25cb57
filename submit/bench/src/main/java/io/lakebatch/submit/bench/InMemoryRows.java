package io.lakebatch.submit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.util.Map;

/** Rows path (b) holds in memory, turned into a model's input tensors one batch at a time. */
interface InMemoryRows {
  int rows();

  /**
   * A writer with its own buffers for batches of at most {@code batchSize} rows; one per thread.
   */
  BatchWriter writer(int batchSize);

  /**
   * Builds the input tensors of one batch, reusing its buffers: use a batch's tensors before asking
   * for the next.
   */
  interface BatchWriter {
    /**
     * Input tensors of rows {@code [from, from + n)}, by model input name; the caller closes them.
     */
    Map<String, OnnxTensor> tensors(OrtEnvironment env, int from, int n) throws OrtException;
  }
}
