package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

/** {@code resources}: where and with what the job runs. */
public record ResourceSpec(
    String master, int executors, int executorCores, String executorMemory, int gpusPerExecutor) {
  public ResourceSpec {
    requireNonNull(master, "master is null");
    requireNonNull(executorMemory, "executorMemory is null");
  }

  public boolean isLocal() {
    return master.startsWith("local");
  }
}
