package io.lakebatch.jobs;

/**
 * A run's key: {@link io.lakebatch.catalog.spec.RunIdentity#runKey} of its identity and pinned
 * input. It names the run ({@link #runId}) and its chunks' Delta transaction ids.
 */
public record RunKey(String value) {
  /** The Delta transaction application id of one chunk in one table of this run. */
  public String chunkAppId(String table, int chunk) {
    return chunkAppIdPrefix(table) + chunk;
  }

  /** What every chunk application id of this run in {@code table} starts with. */
  public String chunkAppIdPrefix(String table) {
    return "lakebatch/" + table + "/" + value + "/";
  }

  public String runId(String jobName) {
    return jobName + "-" + value.substring(0, 12);
  }
}
