package io.lakebatch.jobs;

import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.udf.ModelFiles;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Identity of a run: derived from everything that defines the output rows and the chunk
 * boundaries. The same key resumes; any change makes a new run. Batch size and resources are left
 * out on purpose: they change speed, not rows.
 */
public record RunKey(String value) {
  public static RunKey of(JobSpec spec, long inputVersion, String modelSha256, long rowsPerChunk, long pieceRows) {
    String identity = String.join("\n", List.of(
        "name=" + spec.name(),
        "output=" + spec.output().path(),
        "input=" + spec.input().format().specName() + ":" + spec.input().path() + "@" + inputVersion,
        "filter=" + spec.input().filter().orElse(""),
        "carry=" + spec.input().carry(),
        "model=" + modelSha256,
        "inputs=" + spec.model().inputs(),
        "outputs=" + spec.model().outputs(),
        "chunking=" + rowsPerChunk + "/" + pieceRows));
    return new RunKey(ModelFiles.sha256(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
  }

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
