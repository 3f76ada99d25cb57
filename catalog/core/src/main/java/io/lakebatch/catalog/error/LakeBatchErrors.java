package io.lakebatch.catalog.error;

import java.util.Collection;
import java.util.List;

/**
 * The error catalogue: every error LakeBatch raises on purpose is built here, with its category and
 * a message that names the field, file or row and says what to do.
 */
public final class LakeBatchErrors {
  private LakeBatchErrors() {}

  /**
   * A spec field breaks a rule: {@code model.inputs.features: column 'f65' not in input schema}.
   */
  public static LakeBatchException invalidSpec(String fieldPath, String rule) {
    return invalidSpec(List.of(new FieldError(fieldPath, rule)));
  }

  /**
   * A spec with one or more errors, all reported at once. One error reads as {@link
   * #invalidSpec(String, String)}; several as {@code job spec has 2 errors:} followed by one
   * indented {@code field: rule} line each.
   */
  public static LakeBatchException invalidSpec(List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no spec errors to report");
    }
    List<String> lines = errors.stream().map(e -> e.field() + ": " + e.message()).toList();
    String message =
        lines.size() == 1
            ? lines.get(0)
            : "job spec has " + lines.size() + " errors:\n  " + String.join("\n  ", lines);
    return new LakeBatchException(ErrorCategory.USER, message, null, errors);
  }

  public static LakeBatchException unreadableSpec(String file, String detail, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.USER, "cannot read job spec " + file + ": " + detail, cause);
  }

  public static LakeBatchException unknownKey(
      String parentPath, String key, Collection<String> allowed) {
    String where = parentPath.isEmpty() ? key : parentPath + "." + key;
    return invalidSpec(where, "unknown key; allowed keys here are " + allowed);
  }

  /**
   * A setting's value does not parse: {@code Spark conf spark.lakebatch.read.columnar: 'yes' is not
   * a boolean}.
   */
  public static LakeBatchException invalidSetting(String setting, String value, String type) {
    String shown = type.equals("secret") ? "the value" : "'" + value + "'";
    return new LakeBatchException(
        ErrorCategory.USER,
        setting + ": " + shown + " is not a " + type + "; fix or unset it",
        null);
  }

  public static LakeBatchException usage(String message) {
    return new LakeBatchException(ErrorCategory.USER, message, null);
  }

  public static LakeBatchException modelUnreadable(String path, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "model "
            + path
            + " cannot be loaded by ONNX Runtime ("
            + rootMessage(cause)
            + "); check that the file is a complete ONNX model",
        cause);
  }

  /**
   * ONNX Runtime loaded the model but it failed running a batch: the model rejects these inputs.
   */
  public static LakeBatchException modelFailed(String uri, String where, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "model "
            + uri
            + " failed on "
            + where
            + " ("
            + rootMessage(cause)
            + "); its graph does not accept these inputs: check the model against model.inputs",
        cause);
  }

  /**
   * An error of a SQL function call, prefixed with the call ({@code lakebatch_predict('eta@3', 4
   * arguments)}).
   */
  public static LakeBatchException inSqlCall(String call, LakeBatchException cause) {
    return new LakeBatchException(cause.category(), call + ": " + cause.getMessage(), cause);
  }

  /** A SQL function used where it cannot run (outside a SELECT list). */
  public static LakeBatchException sqlFunctionPlacement(String function, String operator) {
    return new LakeBatchException(
        ErrorCategory.USER,
        function
            + " can only be used in a SELECT list, not in "
            + operator
            + "; score in a subquery first, e.g. SELECT ... FROM (SELECT *, "
            + function
            + "(...) AS p FROM t) WHERE p > 0",
        null);
  }

  public static LakeBatchException modelMismatch(String fieldPath, String detail) {
    return new LakeBatchException(ErrorCategory.DATA, fieldPath + ": " + detail, null);
  }

  public static LakeBatchException inputNotFound(String path, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "input.path: no readable table at " + path + " (" + rootMessage(cause) + ")",
        cause);
  }

  public static LakeBatchException unsupportedInput(String path, String detail) {
    return new LakeBatchException(ErrorCategory.DATA, "input " + path + ": " + detail, null);
  }

  public static LakeBatchException unreadableFile(String file, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "input file " + file + " cannot be read (" + rootMessage(cause) + ")",
        cause);
  }

  public static LakeBatchException tooManyBadRows(
      long bad, long total, double limit, String deadLetter) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        String.format(
            "%d of %d rows (%.4f) failed validation, above execution.max-bad-row-fraction %.4f;"
                + " see the reasons in %s",
            bad, total, total == 0 ? 0.0 : (double) bad / total, limit, deadLetter),
        null);
  }

  public static LakeBatchException transientFailure(String what, Throwable cause) {
    return new LakeBatchException(ErrorCategory.TRANSIENT, what + ": " + rootMessage(cause), cause);
  }

  /**
   * The catalog database cannot be reached. Passwords in {@code url} are masked in the message and
   * in the cause chain's messages; a password given apart from the URL must be masked by the caller
   * ({@code JdbcUrls.redact} in the JDBC catalog).
   */
  public static LakeBatchException catalogUnavailable(String url, Throwable cause) {
    Throwable masked =
        io.lakebatch.catalog.store.JdbcUrls.redact(
            cause, io.lakebatch.catalog.store.JdbcUrls.passwords(url));
    return new LakeBatchException(
        ErrorCategory.UNAVAILABLE,
        "catalog database "
            + io.lakebatch.catalog.store.JdbcUrls.redact(url)
            + " cannot be reached ("
            + rootMessage(masked)
            + "); check catalog.url in lakebatch.yaml or LAKEBATCH_CATALOG_URL, and that the server is up",
        masked);
  }

  /**
   * No catalog implementation on the class path opens {@code url}: none at all (the JDBC catalog's
   * jar is missing), or none that accepts this kind of URL ({@code available} names those found).
   */
  public static LakeBatchException noCatalogImplementation(
      String url, java.util.List<String> available) {
    String redacted = io.lakebatch.catalog.store.JdbcUrls.redact(url);
    String message =
        available.isEmpty()
            ? "catalog database "
                + redacted
                + ": no catalog implementation on the class path; add"
                + " io.lakebatch:lakebatch-catalog-jdbc (H2, PostgreSQL) to it"
            : "catalog database "
                + redacted
                + ": no catalog implementation on the class path opens this URL (found: "
                + String.join(", ", available)
                + "); check catalog.url in lakebatch.yaml or LAKEBATCH_CATALOG_URL";
    return new LakeBatchException(ErrorCategory.USER, message, null);
  }

  public static LakeBatchException modelNotRegistered(String name, java.util.List<String> known) {
    return new LakeBatchException(
        ErrorCategory.USER,
        "model.ref: no model named '"
            + name
            + "' in the registry"
            + (known.isEmpty()
                ? " (it is empty)"
                : " (registered: " + String.join(", ", known) + ")")
            + "; register it with `lakebatch models register "
            + name
            + " PATH`",
        null);
  }

  public static LakeBatchException modelVersionNotFound(String name, int version, int latest) {
    return new LakeBatchException(
        ErrorCategory.USER,
        "model.ref: "
            + name
            + "@"
            + version
            + " does not exist; versions 1.."
            + latest
            + " are registered (use "
            + name
            + "@latest for the newest)",
        null);
  }

  public static LakeBatchException modelChanged(
      String ref, String uri, String registered, String actual) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "model "
            + ref
            + ": file "
            + uri
            + " has sha256 "
            + actual
            + " but was registered with "
            + registered
            + "; the file changed after registration: register it again as a new version",
        null);
  }

  public static LakeBatchException runNotFound(String runId) {
    return new LakeBatchException(
        ErrorCategory.USER, "no run '" + runId + "' in the catalog; see `lakebatch list`", null);
  }

  /** The job server at {@code url} cannot be reached: nothing was sent. */
  public static LakeBatchException serverUnreachable(String url, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.UNAVAILABLE,
        "cannot reach the LakeBatch server at "
            + url
            + ": "
            + rootMessage(cause)
            + "; is it running?",
        cause);
  }

  /** The job server refused a request; the category follows the HTTP status. */
  public static LakeBatchException serverRefused(String url, int status, String detail) {
    ErrorCategory category =
        status == 409
            ? ErrorCategory.CONFLICT
            : status >= 500 ? ErrorCategory.UNAVAILABLE : ErrorCategory.USER;
    return new LakeBatchException(category, url + " answered " + status + ": " + detail, null);
  }

  /** An {@code Idempotency-Key} sent again with another body. */
  public static LakeBatchException idempotencyKeyReused(String key, String jobId) {
    return new LakeBatchException(
        ErrorCategory.CONFLICT,
        "Idempotency-Key '"
            + key
            + "' was used for job "
            + jobId
            + " with another body; send the same body to get that job, or use a new key",
        null);
  }

  public static LakeBatchException jobNotRetryable(String jobId, Object state) {
    return new LakeBatchException(
        ErrorCategory.CONFLICT,
        "job "
            + jobId
            + " is "
            + state
            + "; only a FAILED, PARTIAL or CANCELLED job can be retried",
        null);
  }

  public static LakeBatchException illegalTransition(String runId, Object from, Object to) {
    return new LakeBatchException(
        ErrorCategory.USER, "run " + runId + " is " + from + " and cannot move to " + to, null);
  }

  public static LakeBatchException runBusy(String runId, Object state, String owner) {
    return new LakeBatchException(
        ErrorCategory.USER,
        "run "
            + runId
            + " is "
            + state
            + " in "
            + owner
            + "; wait for it, or stop it with `lakebatch cancel "
            + runId
            + "`",
        null);
  }

  /**
   * A driver lost its run: another driver took it over (a higher epoch), so every write of this one
   * is refused. Nothing more is written by this process.
   */
  public static LakeBatchException runFenced(
      String runId, long epoch, long currentEpoch, String currentOwner) {
    return new LakeBatchException(
        ErrorCategory.CONFLICT,
        "run "
            + runId
            + " was taken over by "
            + currentOwner
            + " (epoch "
            + currentEpoch
            + ") while this driver"
            + " held epoch "
            + epoch
            + "; this driver stops and writes nothing more (see `lakebatch status "
            + runId
            + "`)",
        null);
  }

  /** The input version an unfinished run pinned can no longer be read. */
  public static LakeBatchException pinnedInputUnreadable(
      String runId, String path, long version, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "run "
            + runId
            + " pinned input "
            + path
            + " at version "
            + version
            + ", which can no longer be read ("
            + rootMessage(cause)
            + "); restore that version (e.g. extend delta.logRetentionDuration /"
            + " deletedFileRetentionDuration and avoid VACUUM), or start over at the latest version with"
            + " `--new-run` (chunks already committed by run "
            + runId
            + " stay in the output)",
        cause);
  }

  /** A file of the input an unfinished run pinned is gone or was rewritten. */
  public static LakeBatchException pinnedInputChanged(String runId, String file, String what) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "run "
            + runId
            + " cannot resume: input file "
            + file
            + " "
            + what
            + " since the run pinned its input;"
            + " its chunks would no longer cover the same rows. Restore the file, or start over with `--new-run`"
            + " (chunks already committed by run "
            + runId
            + " stay in the output)",
        null);
  }

  /** A Parquet footer that could not be read while planning, after retries. */
  public static LakeBatchException footerUnreadable(String file, int attempts, Throwable cause) {
    return new LakeBatchException(
        ErrorCategory.DATA,
        "input file "
            + file
            + ": its Parquet footer cannot be read ("
            + attempts
            + " attempts: "
            + rootMessage(cause)
            + "); the plan needs every file's row groups: fix or remove the file",
        cause);
  }

  /** Another writer changed the output table under an unfinished run. */
  public static LakeBatchException outputChanged(String runId, String path, String detail) {
    return new LakeBatchException(
        ErrorCategory.CONFLICT,
        "run "
            + runId
            + " cannot resume onto "
            + path
            + ": "
            + detail
            + ". Resuming would lose or mix rows;"
            + " start over with `--new-run`",
        null);
  }

  public static LakeBatchException internal(String message, Throwable cause) {
    return new LakeBatchException(ErrorCategory.INTERNAL, message, cause);
  }

  // The standalone cluster (`lakebatch cluster`).

  public static LakeBatchException clusterOption(String option, String value, String allowed) {
    return usage("invalid " + option + " '" + value + "': must be " + allowed);
  }

  public static LakeBatchException clusterAlreadyRunning(
      java.nio.file.Path dir, String masterUrl, int alive) {
    return usage(
        "a cluster is already running in "
            + dir
            + " (master "
            + masterUrl
            + ", "
            + alive
            + " of its processes alive); stop it first with `lakebatch cluster stop --dir "
            + dir
            + "` or choose another --dir");
  }

  public static LakeBatchException clusterStartInProgress(java.nio.file.Path dir) {
    return usage(
        "another `lakebatch cluster start` is starting a cluster in "
            + dir
            + " right now; wait for it, or choose another --dir");
  }

  public static LakeBatchException clusterNotRunning(java.nio.file.Path dir) {
    return usage(
        "no cluster is running in "
            + dir
            + "; start one with `lakebatch cluster start --dir "
            + dir
            + "`");
  }

  public static LakeBatchException clusterStateUnreadable(
      java.nio.file.Path file, Throwable cause) {
    return usage(
        "cannot read the cluster state "
            + file
            + " ("
            + rootMessage(cause)
            + "); stop its processes by hand and delete the file");
  }

  public static LakeBatchException clusterWithoutJars(String classpath) {
    return usage(
        "the classpath has no jar for executors (only folders: "
            + classpath
            + "); start the cluster from the packaged build (./lakebatch) or pass jar entries");
  }

  public static LakeBatchException clusterStartFailed(
      String what, java.nio.file.Path log, String logTail, Throwable cause) {
    return internal(what + "; the end of its log " + log + ":\n" + logTail, cause);
  }

  public static LakeBatchException clusterIo(String what, Throwable cause) {
    return internal(what + ": " + rootMessage(cause), cause);
  }

  public static LakeBatchException clusterMasterUnreachable(String url, Throwable cause) {
    return transientFailure("the Spark master's status at " + url + " cannot be read", cause);
  }

  /** The innermost message of a cause chain, which is usually the one that explains. */
  public static String rootMessage(Throwable t) {
    if (t == null) {
      return "no cause";
    }
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    Throwable root = t;
    seen.add(root);
    while (root.getCause() != null && seen.add(root.getCause())) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
