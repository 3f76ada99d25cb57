package io.lakebatch.udf;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * What an executor needs to get a model session: small and serializable, captured by task closures.
 * The session itself is built lazily, once per JVM and {@link SessionKey}, by {@link
 * OrtSessionCache}.
 *
 * @param uri local path or Hadoop-filesystem URI of the ONNX file
 * @param sha256 content hash, part of the cache key; a file changed under the same path is a
 *     different model
 * @param options how ONNX Runtime runs the model
 * @param device where it runs
 */
public record ModelHandle(String uri, String sha256, SessionOptions options, Device device)
    implements Serializable {
  public ModelHandle {
    requireNonNull(uri, "uri is null");
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(options, "options is null");
    requireNonNull(device, "device is null");
  }

  /**
   * A model on the CPU with LakeBatch's default options and {@code intraOpThreads} ONNX Runtime
   * threads per call, sized so concurrent tasks x threads fit the executor's cores.
   */
  public ModelHandle(String uri, String sha256, int intraOpThreads) {
    this(uri, sha256, SessionOptions.withIntraOpThreads(intraOpThreads), Device.CPU);
  }

  public int intraOpThreads() {
    return options.intraOpThreads();
  }

  /** The session cache key of this model. */
  public SessionKey sessionKey() {
    return new SessionKey(sha256, options, device);
  }
}
