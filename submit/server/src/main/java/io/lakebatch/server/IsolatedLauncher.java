package io.lakebatch.server;

import io.lakebatch.catalog.spec.JobSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the command that runs one job as a Spark application of its own (an {@code isolated} job):
 * {@code lakebatch run} of the spec file under spark-submit, exiting with {@code lakebatch}'s exit
 * codes. The CLI supplies it; a server without one refuses isolated jobs at submission.
 */
@FunctionalInterface
public interface IsolatedLauncher {
  /** Set for the child: the job it runs; with {@link #ENV_OWNER}, to attach its run to the job. */
  String ENV_JOB = "LAKEBATCH_SERVER_JOB";

  /** Set for the child: the server instance that holds the job. */
  String ENV_OWNER = "LAKEBATCH_SERVER_OWNER";

  /** Set for the child: the server's pid; the child stops when that process ends. */
  String ENV_PARENT_PID = "LAKEBATCH_PARENT_PID";

  /**
   * The command line; the server adds the environment and supervises the process.
   *
   * @param sparkConf the server's {@code spark-conf}, for the job's application too
   */
  List<String> command(JobSpec spec, Path specFile, Map<String, String> sparkConf);
}
