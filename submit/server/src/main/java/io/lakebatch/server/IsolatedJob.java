package io.lakebatch.server;

import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One start of an {@code isolated} job: a child process (spark-submit of {@code lakebatch run})
 * that this server supervises. The child records its run in the same catalog and home, names its
 * run on the job itself ({@link IsolatedLauncher#ENV_JOB}), and stops at once when this server's
 * process ends ({@link IsolatedLauncher#ENV_PARENT_PID}), so that a server killed by SIGKILL leaves
 * no orphan writing beside the server that requeues the job. A cancel reaches the child through the
 * catalog, as {@code lakebatch cancel} does: its run stops after the current chunk.
 */
final class IsolatedJob {
  private static final int TAIL_LINES = 40;

  private final Process process;
  private final Path output;
  private volatile boolean cancelSent;

  private IsolatedJob(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Writes the job's spec under the server's home ({@code server-jobs/<id>/}) and starts the child
   * with the server's catalog and home; its console output goes to {@code attempt-<n>.out} there.
   */
  static IsolatedJob start(
      ServerJob job, JobSpec spec, IsolatedLauncher launcher, ServerConfig config, String owner) {
    Path folder = config.home().resolve("server-jobs").resolve(job.id());
    try {
      Files.createDirectories(folder);
      boolean json = job.specText().stripLeading().startsWith("{");
      Path specFile =
          Files.writeString(folder.resolve(json ? "spec.json" : "spec.yaml"), job.specText());
      // the job as claimed: its attempts count this start
      Path output = folder.resolve("attempt-" + job.attempts() + ".out");
      List<String> command = launcher.command(spec, specFile.toAbsolutePath(), config.sparkConf());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      Map<String, String> env = builder.environment();
      env.put(LakeBatchSettings.HOME.key(), config.home().toAbsolutePath().toString());
      env.put(LakeBatchSettings.CATALOG_URL.key(), config.catalog().url());
      env.put(LakeBatchSettings.CATALOG_USER.key(), config.catalog().user());
      env.put(LakeBatchSettings.CATALOG_PASSWORD.key(), config.catalog().password());
      env.put(IsolatedLauncher.ENV_JOB, job.id());
      env.put(IsolatedLauncher.ENV_OWNER, owner);
      env.put(IsolatedLauncher.ENV_PARENT_PID, String.valueOf(ProcessHandle.current().pid()));
      return new IsolatedJob(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "job " + job.id() + ": could not start its Spark application: " + e.getMessage(), e);
    }
  }

  /** Asks the child's run to stop after its current chunk, once it has a run. */
  void cancel(Optional<String> runId, RunStore runs) {
    if (!cancelSent && runId.isPresent()) {
      runs.requestCancel(runId.get(), RunOwner.HEARTBEAT_TIMEOUT);
      cancelSent = true;
    }
  }

  /** How the job ended: waits for the child, then reads its exit code and its last words. */
  JobOutcome await() throws InterruptedException {
    int code = process.waitFor();
    JobState state =
        switch (code) {
          case ExitCodes.OK -> JobState.SUCCEEDED;
          case ExitCodes.PARTIAL -> JobState.PARTIAL;
          case ExitCodes.CANCELLED -> JobState.CANCELLED;
          default -> JobState.FAILED;
        };
    Optional<String> message =
        state == JobState.FAILED
            ? Optional.of(
                "its Spark application exited with code "
                    + code
                    + lastError().map(line -> ": " + line).orElse("")
                    + " (console output: "
                    + output
                    + ")")
            : Optional.empty();
    return new JobOutcome(state, message);
  }

  /** Stops the child and everything it started, without waiting for a chunk boundary. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The child's last error line ({@code error: ...}, as the CLI prints it), else its last line. */
  private Optional<String> lastError() {
    Deque<String> tail = new ArrayDeque<>();
    try (var lines = Files.lines(output, StandardCharsets.UTF_8)) {
      lines
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .forEach(
              l -> {
                tail.addLast(l);
                if (tail.size() > TAIL_LINES) {
                  tail.removeFirst();
                }
              });
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
    Optional<String> error =
        tail.stream()
            .filter(l -> l.startsWith("error:") || l.startsWith("internal error:"))
            .reduce((a, b) -> b);
    return error.or(() -> Optional.ofNullable(tail.peekLast()));
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
