package io.lakebatch.udf;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ModelSignature;

/**
 * A model file read, hashed and loaded once by ONNX Runtime to read its signature: what the model
 * registry records and what a plan checks.
 */
public record InspectedModel(String uri, String sha256, ModelSignature signature) {
  /**
   * Reads {@code uri}; a missing file is a usage error, one ONNX Runtime cannot load a model error.
   */
  public static InspectedModel of(String uri) {
    byte[] bytes = ModelFiles.read(uri);
    try (OrtSession session = OrtSessionCache.open(uri, bytes, 1)) {
      return new InspectedModel(uri, ModelFiles.sha256(bytes), OrtSignatureReader.read(session));
    } catch (OrtException e) {
      throw LakeBatchErrors.modelUnreadable(uri, e);
    }
  }
}
