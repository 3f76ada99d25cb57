package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * {@code resources}: where and with what the job runs.
 *
 * @param executionMode on a job server, shared or isolated; empty: the server's default
 */
public record ResourceSpec(
    String master,
    int executors,
    int executorCores,
    String executorMemory,
    int gpusPerExecutor,
    Optional<ExecutionMode> executionMode) {
  public ResourceSpec {
    requireNonNull(master, "master is null");
    requireNonNull(executorMemory, "executorMemory is null");
    requireNonNull(executionMode, "executionMode is null");
  }

  /** Resources that leave the execution mode to the server. */
  public ResourceSpec(
      String master, int executors, int executorCores, String executorMemory, int gpusPerExecutor) {
    this(master, executors, executorCores, executorMemory, gpusPerExecutor, Optional.empty());
  }

  public boolean isLocal() {
    return master.startsWith("local");
  }
}
