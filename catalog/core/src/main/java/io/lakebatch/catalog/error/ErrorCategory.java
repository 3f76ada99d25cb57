package io.lakebatch.catalog.error;

/**
 * What kind of failure an error is; decides retries and the CLI exit code.
 *
 * <p>Exit codes are the SPEC.md contract: 0 success, 1 internal, 2 usage/spec, 3 data or model, 4
 * partial; LakeBatch adds 5: the catalog database cannot be reached, and 7: the run cannot continue
 * because another driver or writer changed what it depends on (fenced, or its output was replaced).
 */
public enum ErrorCategory {
  /** A mistake in the spec, the command line or the configuration. Never retried. */
  USER(2),
  /** Input data or a model file that cannot be used as given. Never retried. */
  DATA(3),
  /** A failure that may pass (executor lost, I/O timeout). Retried with backoff. */
  TRANSIENT(1),
  /** A bug or an unexpected state inside LakeBatch. */
  INTERNAL(1),
  /** The catalog database cannot be reached; nothing was changed, try again when it is back. */
  UNAVAILABLE(5),
  /**
   * Another driver took the run over (this one is fenced off), or another writer changed the output
   * table under an unfinished run. This process writes nothing more. Never retried.
   */
  CONFLICT(7);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public boolean retryable() {
    return this == TRANSIENT;
  }
}
