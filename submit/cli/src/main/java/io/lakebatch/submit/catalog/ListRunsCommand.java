package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.store.RunFilter;
import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.submit.LakeBatchHome;
import io.lakebatch.submit.remote.RemoteJobs;
import io.lakebatch.submit.remote.ServerOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakebatch list}: recent runs, newest first. */
@Command(name = "list", description = "List runs, newest first, with their progress.")
public final class ListRunsCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description =
          "only runs in this state: QUEUED, PLANNING, RUNNING, SUCCEEDED, PARTIAL, FAILED, CANCELLED")
  String state;

  @Option(
      names = "--name",
      paramLabel = "SUBSTRING",
      description = "only runs whose name contains this")
  String name;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most N runs; default ${DEFAULT-VALUE}")
  int limit = RunFilter.DEFAULT_LIMIT;

  @Mixin ServerOption remote;

  @Override
  public Integer call() {
    var server = remote.client();
    if (server.isPresent()) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("limit", Integer.toString(limit));
      Optional.ofNullable(state).ifPresent(s -> query.put("state", s));
      Optional.ofNullable(name).ifPresent(n -> query.put("name", n));
      RemoteJobs.printList(server.get().list(query), System.out);
      return 0;
    }
    Optional<RunState> wanted = Optional.ofNullable(state).map(ListRunsCommand::parseState);
    if (limit < 1) {
      throw LakeBatchErrors.usage("--limit must be at least 1, not " + limit);
    }
    RunStore runs = LakeBatchHome.catalog().runs();
    List<RunRecord> found =
        runs.list(
            new RunFilter(wanted, Optional.ofNullable(name).filter(n -> !n.isEmpty()), limit));
    if (found.isEmpty()) {
      System.out.println("no runs" + (wanted.isPresent() || name != null ? " match" : " yet"));
      System.out.flush();
      return 0;
    }
    Instant now = Instant.now();
    TextTable table =
        new TextTable("RUN", "NAME", "STATE", "CREATED", "ROWS", "CHUNKS", "ROWS/S", "MODEL");
    for (RunRecord run : found) {
      RunProgress p = RunProgress.of(run, runs.chunks(run.runId()), now);
      table.add(
          run.runId(),
          run.name(),
          run.state(),
          Formats.time(run.createdAt()),
          String.format("%,d/%,d", p.rowsDone(), p.rowsTotal()),
          p.chunksDone()
              + "/"
              + p.chunksTotal()
              + (p.chunksFailed() > 0 ? " (" + p.chunksFailed() + " failed)" : ""),
          String.format("%,.0f", p.rowsPerSecond()),
          run.modelLabel());
    }
    System.out.print(table.render());
    System.out.flush();
    return 0;
  }

  static RunState parseState(String text) {
    try {
      return RunState.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw LakeBatchErrors.usage(
          "--state: '"
              + text
              + "' is not a run state; use one of "
              + String.join(", ", Arrays.stream(RunState.values()).map(Enum::name).toList()));
    }
  }
}
