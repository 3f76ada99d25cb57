package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.submit.LakeBatchHome;
import io.lakebatch.submit.remote.RemoteJobs;
import io.lakebatch.submit.remote.ServerOption;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch status RUN [--watch] [--chunks]}: a run's record and progress, optionally until
 * it ends.
 */
@Command(
    name = "status",
    description = {
      "Show a run: state, attempts, model, input, output, times, progress, error and log file.",
      "With --watch, poll its progress every --interval seconds until the run ends (a live progress bar on a"
          + " terminal, one line per change otherwise); the exit code is then the run's end state:"
          + " 0 SUCCEEDED, 4 PARTIAL, 3 FAILED, 6 CANCELLED."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:shown (without --watch), or the run SUCCEEDED (--watch)",
      "2:no such run, or a bad option",
      "3:the run FAILED (--watch)",
      "4:the run ended PARTIAL (--watch)",
      "5:the catalog database cannot be reached",
      "6:the run was CANCELLED (--watch)"
    })
public final class StatusCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Parameters(index = "0", paramLabel = "RUN", description = "run id (see lakebatch list)")
  String runId;

  @Option(
      names = "--watch",
      description = "poll until the run is SUCCEEDED, PARTIAL, FAILED or CANCELLED")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      description = "seconds between polls with --watch; default ${DEFAULT-VALUE}")
  double intervalSeconds = 1;

  @Mixin ServerOption remote;

  @Option(names = "--chunks", description = "also print the chunk ledger")
  boolean chunks;

  @Override
  public Integer call() {
    var server = remote.client();
    if (server.isPresent()) {
      RemoteJobs.print(server.get().job(runId), System.out);
      return 0;
    }
    if (!(intervalSeconds > 0) || intervalSeconds > 3600) {
      throw LakeBatchErrors.usage(
          "--interval must be between 0 and 3600 seconds, not " + intervalSeconds);
    }
    RunStore runs = LakeBatchHome.catalog().runs();
    RunRecord run = runs.get(runId);
    PrintStream out = System.out;
    if (!watch) {
      out.print(describe(run, RunProgress.of(run, runs.chunks(runId), Instant.now())));
      if (chunks) {
        out.print(ledger(runs.chunks(runId)));
      }
      out.flush();
      return 0;
    }
    out.printf(
        "watching run %s (%s); Ctrl-C stops watching, not the run%n", run.runId(), run.name());
    out.flush();
    long intervalMillis = Math.max(1, Math.round(intervalSeconds * 1000));
    RunProgress last =
        System.console() != null
            ? watchWithBar(runs, run, intervalMillis)
            : watchPlain(runs, out, intervalMillis);
    RunRecord ended = runs.get(runId);
    out.print(describe(ended, last));
    if (chunks) {
      out.print(ledger(runs.chunks(runId)));
    }
    out.flush();
    return exitCode(last.state());
  }

  /**
   * The exit code of {@code status --watch} for a run that ended in {@code state} ({@link
   * ExitCodes#of}).
   */
  public static int exitCode(RunState state) {
    if (!state.isTerminal()) {
      throw new IllegalArgumentException(state + " is not an end state");
    }
    return ExitCodes.of(state);
  }

  /** One line per poll whose counts or state changed; no terminal control characters. */
  private RunProgress watchPlain(RunStore runs, PrintStream out, long intervalMillis) {
    String lastKey = null;
    while (true) {
      RunProgress progress = runs.progress(runId);
      String key =
          progress.state()
              + "/"
              + progress.rowsDone()
              + "/"
              + progress.rowsTotal()
              + "/"
              + progress.chunksDone()
              + "/"
              + progress.chunksFailed()
              + "/"
              + progress.chunksTotal();
      if (!key.equals(lastKey)) {
        out.println(Formats.clock(Instant.now()) + " " + progress.render());
        out.flush();
        lastKey = key;
      }
      if (progress.state().isTerminal()) {
        return progress;
      }
      sleep(intervalMillis);
    }
  }

  /**
   * A live progress bar (on stderr) over the run's rows; its message: chunks, rows/s and the run's
   * ETA.
   */
  private RunProgress watchWithBar(RunStore runs, RunRecord run, long intervalMillis) {
    RunProgress progress = runs.progress(runId);
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(run.name())
            .setInitialMax(progress.rowsTotal() > 0 ? progress.rowsTotal() : -1)
            .setUpdateIntervalMillis(
                (int) Math.min(Integer.MAX_VALUE, Math.max(100, intervalMillis)))
            .startsFrom(progress.rowsDone(), progress.elapsed())
            .hideEta()
            .build()) {
      while (true) {
        if (progress.rowsTotal() > 0) {
          bar.maxHint(progress.rowsTotal());
        }
        bar.stepTo(progress.rowsDone());
        bar.setExtraMessage(barMessage(progress));
        if (progress.state().isTerminal()) {
          bar.refresh();
          return progress;
        }
        sleep(intervalMillis);
        progress = runs.progress(runId);
      }
    }
  }

  private static String barMessage(RunProgress progress) {
    return String.format(
        "%d/%d chunks%s, %,.0f rows/s, ETA %s",
        progress.chunksDone(),
        progress.chunksTotal(),
        progress.chunksFailed() > 0 ? " (" + progress.chunksFailed() + " failed)" : "",
        progress.rowsPerSecond(),
        progress.eta().map(RunProgress::formatDuration).orElse("?"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted while watching", e);
    }
  }

  static String describe(RunRecord run, RunProgress progress) {
    Formats.Fields fields =
        new Formats.Fields(18)
            .add("run", run.runId())
            .add("name", run.name())
            .add("state", run.state())
            .add("attempts", run.attempts())
            .add("model", run.modelLabel() + " (sha256 " + run.modelSha256() + ")");
    if (run.modelName().isPresent()) {
      fields.add("model file", run.modelUri());
    }
    fields
        .add("input", run.inputPath() + "@" + run.inputVersion())
        .add("output", run.outputPath())
        .add("dead-letter", run.deadLetterPath())
        .add("created", Formats.time(run.createdAt()))
        .add("started", Formats.time(run.attemptStartedAt()))
        .add("finished", Formats.time(run.finishedAt()));
    run.owner()
        .filter(o -> !run.state().isTerminal())
        .ifPresent(
            o ->
                fields.add(
                    "driver",
                    o
                        + ", epoch "
                        + run.epoch()
                        + " (heartbeat "
                        + Formats.time(run.heartbeatAt())
                        + ")"));
    run.errorSummary().ifPresent(e -> fields.add("error", Formats.oneLine(e)));
    fields
        .add("progress", progress.render())
        .add("cancel requested", run.cancelRequested() ? "yes" : "no")
        .add("log", run.logPath().orElse("(none yet)"));
    return fields.toString();
  }

  static String ledger(List<ChunkRecord> chunks) {
    TextTable table =
        new TextTable(
            "CHUNK",
            "STATE",
            "PLANNED",
            "ROWS_OUT",
            "DEAD_LETTER",
            "ATTEMPTS",
            "DELTA_VERSION",
            "LAST_ERROR");
    for (ChunkRecord c : chunks) {
      table.add(
          c.chunk(),
          c.state(),
          String.format("%,d", c.plannedRows()),
          c.rowsOut().map(r -> String.format("%,d", r)).orElse("-"),
          c.deadLetterRows().map(r -> String.format("%,d", r)).orElse("-"),
          c.attempts(),
          c.deltaVersion().map(String::valueOf).orElse("-"),
          c.lastError().map(e -> Formats.truncate(e, 100)).orElse("-"));
    }
    return table.render();
  }
}
