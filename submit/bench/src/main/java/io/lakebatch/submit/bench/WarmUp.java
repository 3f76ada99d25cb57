package io.lakebatch.submit.bench;

/**
 * Whether each path first scores a small separate table, so JIT and ONNX Runtime start-up are not
 * timed.
 */
public enum WarmUp {
  RUN,
  /** For smoke tests: structure, not speed. */
  SKIP
}
