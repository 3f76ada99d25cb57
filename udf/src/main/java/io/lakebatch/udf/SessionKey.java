package io.lakebatch.udf;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * What makes two ONNX Runtime sessions interchangeable: the same model bytes, the same execution
 * options, the same device.
 *
 * @param sha256 content hash of the model file
 */
public record SessionKey(String sha256, SessionOptions options, Device device)
    implements Serializable {
  public SessionKey {
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(options, "options is null");
    requireNonNull(device, "device is null");
  }

  /** A short form for logs: the hash prefix, threads and device. */
  public String describe() {
    return sha256.substring(0, Math.min(12, sha256.length()))
        + " ("
        + options.intraOpThreads()
        + " intra-op threads, "
        + options.optimization()
        + ", "
        + options.executionMode()
        + ", "
        + device.label()
        + ")";
  }
}
