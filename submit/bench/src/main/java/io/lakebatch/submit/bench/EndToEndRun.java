package io.lakebatch.submit.bench;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Path (e): one {@code lakebatch run} in a new JVM, its output to a log, timed launch to exit. */
final class EndToEndRun {
  private EndToEndRun() {}

  /**
   * Runs {@code spec} and returns the wall time from launch to exit; fails, with the log's end, on
   * any exit code but 0.
   */
  static Duration time(CliLauncher launcher, Path home, Path spec, Path log) {
    ProcessBuilder builder =
        new ProcessBuilder(launcher.commandLine(home, List.of("run", spec.toString())))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    long begin = System.nanoTime();
    int exit;
    try {
      Process process = builder.start();
      exit = process.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start lakebatch run for " + spec, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("Interrupted waiting for lakebatch run of " + spec, e);
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - begin);
    if (exit != 0) {
      throw LakeBatchErrors.internal(
          "lakebatch run of " + spec + " exited with " + exit + "; its output ends:\n" + tail(log),
          null);
    }
    return wall;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }
}
