package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.submit.LakeBatchHome;
import io.lakebatch.submit.remote.ServerOption;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebatch logs RUN [-f]}: a run's driver log, optionally followed until the run ends. */
@Command(
    name = "logs",
    description = {
      "Print a run's driver log.",
      "With -f, keep printing what is appended until the run has ended and its log stops growing; waits for the"
          + " log if the run has not created it yet."
    })
public final class LogsCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Parameters(index = "0", paramLabel = "RUN", description = "run id (see lakebatch list)")
  String runId;

  @Option(
      names = {"-f", "--follow"},
      description = "follow the log until the run ends")
  boolean follow;

  @Mixin ServerOption remote;

  @Option(names = "--poll-millis", hidden = true, description = "how often -f looks for new bytes")
  long pollMillis = 250;

  @Override
  public Integer call() {
    var server = remote.client();
    if (server.isPresent()) {
      server.get().logs(runId, follow, System.out);
      return 0;
    }
    RunStore runs = LakeBatchHome.catalog().runs();
    RunRecord run = runs.get(runId);
    PrintStream out = System.out;
    if (!follow) {
      Path log = logFile(run).orElseThrow(() -> noLog(run));
      if (!Files.isRegularFile(log)) {
        throw LakeBatchErrors.usage(
            "run "
                + runId
                + " has no log yet: "
                + log
                + " does not exist (state "
                + run.state()
                + "); use `lakebatch logs "
                + runId
                + " -f` to wait for it");
      }
      copyFrom(log, 0, out);
      out.flush();
      return 0;
    }
    long offset = 0;
    Path log = null;
    while (true) {
      RunRecord current = runs.get(runId);
      boolean ended = current.state().isTerminal();
      Optional<Path> configured = logFile(current);
      if (configured.isPresent() && !configured.get().equals(log)) {
        log = configured.get();
        offset = 0;
      }
      if (log == null && ended) {
        throw noLog(current);
      }
      long read = 0;
      if (log != null) {
        long size = size(log);
        if (size >= 0 && size < offset) {
          offset = 0; // truncated or replaced: start again
        }
        read = copyFrom(log, offset, out);
        offset += read;
      }
      out.flush();
      if (ended && read == 0) {
        return 0;
      }
      try {
        Thread.sleep(Math.max(10, pollMillis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw LakeBatchErrors.internal("interrupted while following the log of run " + runId, e);
      }
    }
  }

  private static Optional<Path> logFile(RunRecord run) {
    return run.logPath()
        .filter(p -> !p.isBlank())
        .map(p -> p.startsWith("file:") ? Path.of(URI.create(p)) : Path.of(p));
  }

  private static RuntimeException noLog(RunRecord run) {
    return LakeBatchErrors.usage(
        "run "
            + run.runId()
            + " has no log yet (it is "
            + run.state()
            + ")"
            + (run.state().isTerminal()
                ? "; it ended before its driver opened one"
                : "; use `lakebatch logs " + run.runId() + " -f` to wait for it"));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Copies the bytes of {@code file} from {@code offset} to its current end; 0 when it does not
   * exist yet.
   */
  private static long copyFrom(Path file, long offset, PrintStream out) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      long position = offset;
      while (true) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        out.write(buffer.array(), 0, n);
        position += n;
      }
      return position - offset;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw LakeBatchErrors.usage(
          "log file " + file + " cannot be read (" + LakeBatchErrors.rootMessage(e) + ")");
    }
  }
}
