package io.lakebatch.jobs;

/** How a run ended. */
public enum RunState {
  SUCCEEDED,
  /** Some chunks failed permanently; the others are committed. A rerun retries only the failed ones. */
  PARTIAL,
  FAILED
}
