package io.lakebatch.submit.cluster;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import java.nio.file.Path;

/**
 * The errors of the standalone cluster, built on {@link LakeBatchErrors}' categories (these belong in
 * that catalogue; they live here until it grows a cluster section).
 */
final class ClusterErrors {
  private ClusterErrors() {}

  static LakeBatchException invalidOption(String option, String value, String allowed) {
    return LakeBatchErrors.usage("invalid " + option + " '" + value + "': must be " + allowed);
  }

  static LakeBatchException alreadyRunning(Path dir, String masterUrl, int alive) {
    return LakeBatchErrors.usage("a cluster is already running in " + dir + " (master " + masterUrl + ", "
        + alive + " of its processes alive); stop it first with `lakebatch cluster stop --dir " + dir
        + "` or choose another --dir");
  }

  static LakeBatchException notRunning(Path dir) {
    return LakeBatchErrors.usage("no cluster is running in " + dir + "; start one with `lakebatch cluster start --dir "
        + dir + "`");
  }

  static LakeBatchException unreadableState(Path file, Throwable cause) {
    return LakeBatchErrors.usage("cannot read the cluster state " + file + " (" + LakeBatchErrors.rootMessage(cause)
        + "); stop its processes by hand and delete the file");
  }

  static LakeBatchException noJars(String classpath) {
    return LakeBatchErrors.usage("the classpath has no jar for executors (only folders: " + classpath
        + "); start the cluster from the packaged build (./lakebatch) or pass jar entries");
  }

  static LakeBatchException startFailed(String what, Path log, String logTail, Throwable cause) {
    return LakeBatchErrors.internal(what + "; the end of its log " + log + ":\n" + logTail, cause);
  }

  static LakeBatchException io(String what, Throwable cause) {
    return LakeBatchErrors.internal(what + ": " + LakeBatchErrors.rootMessage(cause), cause);
  }

  static LakeBatchException masterUnreachable(String url, Throwable cause) {
    return LakeBatchErrors.transientFailure("the Spark master's status at " + url + " cannot be read", cause);
  }
}
