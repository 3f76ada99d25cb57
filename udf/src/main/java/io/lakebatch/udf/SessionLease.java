package io.lakebatch.udf;

import ai.onnxruntime.OrtSession;

/**
 * A task's use of a cached session: the session stays open at least until the lease is closed, even
 * when the cache evicts it meanwhile. Close it once done (try-with-resources); closing twice is a
 * no-op.
 */
public interface SessionLease extends AutoCloseable {
  /** The session; valid until {@link #close()}. */
  OrtSession session();

  /** Releases the session; the last release of an evicted session closes it. */
  @Override
  void close();
}
