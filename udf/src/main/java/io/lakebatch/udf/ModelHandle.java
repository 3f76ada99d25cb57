package io.lakebatch.udf;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * What an executor needs to get a model session: small and serializable, captured by task closures.
 * The session itself is built lazily, once per JVM, by {@link OrtSessionCache}.
 *
 * @param uri local path or Hadoop-filesystem URI of the ONNX file
 * @param sha256 content hash, the cache key; a file changed under the same path is a different model
 * @param intraOpThreads ONNX Runtime threads per call, sized so concurrent tasks x threads fit the
 *     executor's cores
 */
public record ModelHandle(String uri, String sha256, int intraOpThreads) implements Serializable {
  public ModelHandle {
    requireNonNull(uri, "uri is null");
    requireNonNull(sha256, "sha256 is null");
    if (intraOpThreads <= 0) {
      throw new IllegalArgumentException("Invalid intra-op threads (negative or 0): " + intraOpThreads);
    }
  }
}
