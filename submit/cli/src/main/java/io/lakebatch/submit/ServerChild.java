package io.lakebatch.submit;

import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.server.IsolatedLauncher;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process runs an {@code isolated} job for a job server, which set {@link
 * IsolatedLauncher#ENV_JOB} and its companions: the run is attached to the server's job (so the API
 * shows its progress, chunks and log), and the process stops at once when the server's process
 * ends, leaving its run as a crash would (the server that requeues the job resumes it from the
 * committed chunks) instead of writing beside it.
 */
final class ServerChild {
  private static final Logger LOG = LoggerFactory.getLogger(ServerChild.class);

  private final String jobId;
  private final String owner;
  private final long parentPid;

  private ServerChild(String jobId, String owner, long parentPid) {
    this.jobId = jobId;
    this.owner = owner;
    this.parentPid = parentPid;
  }

  /** The server job this process runs, when a server started it. */
  static Optional<ServerChild> of(Map<String, String> env) {
    String job = env.get(IsolatedLauncher.ENV_JOB);
    String owner = env.get(IsolatedLauncher.ENV_OWNER);
    String parent = env.get(IsolatedLauncher.ENV_PARENT_PID);
    if (job == null || owner == null || parent == null) {
      return Optional.empty();
    }
    return Optional.of(new ServerChild(job, owner, Long.parseLong(parent.trim())));
  }

  /** Halts this JVM when the server's process ends (at once when it already has). */
  void stopWithServer(PrintStream err) {
    Optional<ProcessHandle> server = ProcessHandle.of(parentPid).filter(ProcessHandle::isAlive);
    if (server.isEmpty()) {
      halt(err);
    }
    server.get().onExit().thenRun(() -> halt(err));
  }

  /** Names {@code runId} as the server job's run. */
  void attach(Catalog catalog, String runId) {
    catalog.jobs().attachRun(jobId, owner, runId);
    LOG.info("run {} attached to server job {}", runId, jobId);
  }

  private void halt(PrintStream err) {
    err.println(
        "error: the job server (pid "
            + parentPid
            + ") that started job "
            + jobId
            + " has exited; stopping now (the server that requeues the job resumes its run from"
            + " the committed chunks)");
    err.flush();
    Runtime.getRuntime().halt(ExitCodes.INTERNAL);
  }
}
