package io.lakebatch.catalog.error;

import io.lakebatch.catalog.store.RunState;

/**
 * The exit codes of {@code lakebatch} (SPEC.md, extended): 0 success, 1 internal error, 2 usage or
 * spec error, 3 data or model error, 4 job PARTIAL, 5 catalog database unreachable, 6 run
 * cancelled, 7 conflict (another driver took the run over, or another writer replaced the output
 * under it).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int INTERNAL = ErrorCategory.INTERNAL.exitCode();
  public static final int USAGE = ErrorCategory.USER.exitCode();
  public static final int DATA = ErrorCategory.DATA.exitCode();
  public static final int PARTIAL = 4;
  public static final int UNAVAILABLE = ErrorCategory.UNAVAILABLE.exitCode();
  public static final int CANCELLED = 6;
  public static final int CONFLICT = ErrorCategory.CONFLICT.exitCode();

  private ExitCodes() {}

  /** The exit code for a run that ended in {@code state}; 0 for a run that has not ended. */
  public static int of(RunState state) {
    return switch (state) {
      case PARTIAL -> PARTIAL;
      case FAILED -> DATA;
      case CANCELLED -> CANCELLED;
      default -> OK;
    };
  }
}
