package io.lakebatch.submit;

import io.lakebatch.api.RunStart;
import picocli.CommandLine.Option;

/**
 * {@code --new-run}: start over at the input's latest version instead of resuming the job's
 * unfinished run.
 */
final class NewRunOption {
  static final String FLAG = "--new-run";

  @Option(
      names = FLAG,
      description =
          "start a new run at the input as it is now, even if this job has an unfinished"
              + " run (by default a rerun resumes it at the input version it pinned). In append mode the rows that run"
              + " already committed stay in the output, so they are written again.")
  boolean newRun;

  RunStart start() {
    return newRun ? RunStart.NEW_RUN : RunStart.RESUME_UNFINISHED;
  }
}
