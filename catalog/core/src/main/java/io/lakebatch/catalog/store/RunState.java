package io.lakebatch.catalog.store;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a run. Legal moves are listed here and nowhere else:
 *
 * <pre>
 * QUEUED -> PLANNING -> RUNNING -> SUCCEEDED | PARTIAL | FAILED | CANCELLED
 * PLANNING | RUNNING -> QUEUED           (resume after a lost driver)
 * SUCCEEDED | PARTIAL | FAILED | CANCELLED -> QUEUED   (rerun: only uncommitted chunks run)
 * QUEUED | PLANNING -> FAILED | CANCELLED
 * </pre>
 */
public enum RunState {
  QUEUED,
  PLANNING,
  RUNNING,
  SUCCEEDED,
  /**
   * Some chunks failed permanently; the others are committed. A rerun retries only the failed ones.
   */
  PARTIAL,
  FAILED,
  CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == PARTIAL || this == FAILED || this == CANCELLED;
  }

  /** Whether a run in this state may move to {@code next}. */
  public boolean canMoveTo(RunState next) {
    return successors().contains(next);
  }

  public Set<RunState> successors() {
    return switch (this) {
      case QUEUED -> EnumSet.of(PLANNING, FAILED, CANCELLED);
      case PLANNING -> EnumSet.of(RUNNING, FAILED, CANCELLED, QUEUED);
      case RUNNING -> EnumSet.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED, QUEUED);
      case SUCCEEDED, PARTIAL, FAILED, CANCELLED -> EnumSet.of(QUEUED);
    };
  }
}
