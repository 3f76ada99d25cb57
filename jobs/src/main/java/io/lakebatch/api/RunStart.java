package io.lakebatch.api;

/**
 * Whether a job resumes its unfinished run or starts a new one ({@code lakebatch run --new-run}).
 */
public enum RunStart {
  /**
   * Resume the job's unfinished run at the input it pinned; else start a run at the input as it is
   * now.
   */
  RESUME_UNFINISHED,
  /** Start a new run at the input as it is now, even if the job has an unfinished run. */
  NEW_RUN
}
