package io.lakebatch.submit.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.store.ChunkCommit;
import io.lakebatch.catalog.store.NewRun;
import io.lakebatch.catalog.store.RunLease;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.catalog.store.RunStore;
import io.lakebatch.submit.LakeBatchHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, list, logs and cancel against runs made directly through the run store (no Spark). */
class RunCommandsTest {
  private static final String SHA = "ab".repeat(32);

  @TempDir Path dir;
  RunStore runs;

  @BeforeEach
  void home() {
    System.setProperty("lakebatch.home", dir.resolve("home").toString());
    runs = LakeBatchHome.catalog().runs();
  }

  @AfterEach
  void clearHome() {
    System.clearProperty("lakebatch.home");
  }

  private void register(String runId, String name, int chunks) {
    runs.register(
        new NewRun(
            runId,
            name,
            "key-" + runId,
            "spec-hash",
            "name: " + name,
            "/models/eta.onnx",
            Optional.of("eta"),
            Optional.of(3),
            SHA,
            "data/orders",
            12,
            "out/" + name,
            "out/" + name + "_dead_letter",
            1024,
            java.util.Collections.nCopies(chunks, 100L)));
  }

  /** Takes the run as a driver in this (live) process would, and moves it to RUNNING. */
  private static RunLease start(RunStore store, String runId) {
    RunLease lease = take(store, runId);
    store.transition(lease, RunState.RUNNING, "planned");
    return lease;
  }

  private static RunLease take(RunStore store, String runId) {
    return store.take(runId, RunOwner.current(), RunOwner.HEARTBEAT_TIMEOUT, () -> {});
  }

  private static void commit(RunStore store, RunLease lease, int chunk) {
    store.chunkStarted(lease, chunk);
    store.chunkCommitted(lease, new ChunkCommit(chunk, chunk + 1, 98, 2));
  }

  @Test
  void statusPrintsTheRunAndItsProgress() {
    register("r1", "eta-scoring", 4);
    RunLease lease = start(runs, "r1");
    commit(runs, lease, 0);
    commit(runs, lease, 1);
    runs.chunkStarted(lease, 2);
    runs.chunkFailed(lease, 2, "boom\nat line 2");

    Cli.Result status = Cli.run("status", "r1", "--chunks");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("run               r1")
        .contains("state             RUNNING")
        .contains("attempts          1")
        .contains("model             eta@3 (sha256 " + SHA + ")")
        .contains("input             data/orders@12")
        .contains("output            out/eta-scoring")
        .contains("RUNNING 2/4 chunks (1 failed) | 200/400 rows (50%)")
        .contains("cancel requested  no")
        .contains("log               (none yet)")
        .containsPattern("(?m)^0 +COMMITTED +100 +98 +2 +1 +1 +-$")
        .containsPattern("(?m)^2 +FAILED +100 +- +- +1 +- +boom at line 2$")
        .containsPattern("(?m)^3 +PENDING +100 +- +- +0 +- +-$");
  }

  @Test
  void statusOfAnUnknownRunIsAUsageError() {
    Cli.Result status = Cli.run("status", "nosuch");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(2);
    assertThat(status.err()).contains("nosuch");
  }

  @Test
  void watchPrintsPlainLinesUntilTheRunSucceeds() throws Exception {
    register("r1", "eta-scoring", 5);
    CompletableFuture<Void> driver =
        CompletableFuture.runAsync(
            () -> {
              RunStore store = LakeBatchHome.catalog().runs();
              sleep(300);
              RunLease lease = start(store, "r1");
              for (int chunk = 0; chunk < 5; chunk++) {
                sleep(350);
                commit(store, lease, chunk);
              }
              store.transition(lease, RunState.SUCCEEDED, "done");
            });

    Cli.Result watch = Cli.run("status", "r1", "--watch", "--interval", "0.1");
    driver.get(10, TimeUnit.SECONDS);
    assertThat(watch.exitCode()).as(watch.toString()).isZero();
    List<String> lines =
        watch
            .out()
            .lines()
            .filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d \\w+ \\d/5 chunks \\|.*"))
            .toList();
    assertThat(lines.size()).as(watch.toString()).isGreaterThanOrEqualTo(4);
    assertThat(watch.out())
        .containsPattern("RUNNING [1-4]/5 chunks \\| [1-4]00/500 rows")
        .contains("SUCCEEDED 5/5 chunks | 500/500 rows (100%)")
        .doesNotContain("\u001b");
    assertThat(lines.get(lines.size() - 1)).contains("SUCCEEDED 5/5 chunks");
    assertThat(lines).doesNotHaveDuplicates();
  }

  @Test
  void watchExitCodesFollowTheEndState() {
    register("partial", "a", 1);
    RunLease partial = start(runs, "partial");
    runs.transition(partial, RunState.PARTIAL, "1 chunk failed");
    register("failed", "b", 1);
    runs.transition(take(runs, "failed"), RunState.FAILED, "model broken");
    register("cancelled", "c", 1);
    runs.requestCancel("cancelled", RunOwner.HEARTBEAT_TIMEOUT);

    assertThat(Cli.run("status", "partial", "--watch").exitCode()).isEqualTo(4);
    Cli.Result failed = Cli.run("status", "failed", "--watch");
    assertThat(failed.exitCode()).isEqualTo(3);
    assertThat(failed.out()).contains("error             model broken");
    assertThat(Cli.run("status", "cancelled", "--watch").exitCode()).isEqualTo(6);
    assertThat(Cli.run("status", "cancelled").exitCode()).isZero();
  }

  @Test
  void listShowsRunsAndFiltersByStateAndName() {
    register("r1", "eta-scoring", 2);
    commit(runs, start(runs, "r1"), 0);
    register("r2", "churn", 3);

    Cli.Result all = Cli.run("list");
    assertThat(all.exitCode()).as(all.toString()).isZero();
    assertThat(all.out().lines().findFirst().orElseThrow())
        .matches("RUN +NAME +STATE +CREATED +ROWS +CHUNKS +ROWS/S +MODEL");
    assertThat(all.out())
        .containsPattern("(?m)^r1 +eta-scoring +RUNNING +\\S+ \\S+ +100/200 +1/2 +[0-9,]+ +eta@3$")
        .containsPattern("(?m)^r2 +churn +QUEUED +\\S+ \\S+ +0/300 +0/3 +0 +eta@3$");

    Cli.Result running = Cli.run("list", "--state", "running");
    assertThat(running.exitCode()).isZero();
    assertThat(running.out()).contains("r1").doesNotContain("r2");

    Cli.Result byName = Cli.run("list", "--name", "chur");
    assertThat(byName.out()).contains("r2").doesNotContain("r1 ");

    assertThat(Cli.run("list", "--state", "SUCCEEDED").out()).startsWith("no runs match");
    assertThat(Cli.run("list", "--limit", "1").out().lines()).hasSize(2);

    Cli.Result bad = Cli.run("list", "--state", "DONE");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err())
        .contains("'DONE'")
        .contains("QUEUED, PLANNING, RUNNING, SUCCEEDED, PARTIAL, FAILED, CANCELLED");
  }

  @Test
  void logsPrintsTheLogFile() throws Exception {
    register("r1", "eta-scoring", 1);
    Cli.Result none = Cli.run("logs", "r1");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("run r1 has no log yet");

    Path log = Files.writeString(dir.resolve("driver.log"), "line one\nline two\n");
    runs.setLogPath(take(runs, "r1"), log.toString());
    Cli.Result logs = Cli.run("logs", "r1");
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.out()).isEqualTo("line one\nline two\n");
    assertThat(Cli.run("status", "r1").out()).contains("log               " + log);
  }

  @Test
  void logsFollowPrintsAppendedLinesUntilTheRunEnds() throws Exception {
    register("r1", "eta-scoring", 1);
    Path log = dir.resolve("runs").resolve("r1").resolve("driver.log");
    RunLease lease = start(runs, "r1");
    runs.setLogPath(lease, log.toString());
    CompletableFuture<Void> driver =
        CompletableFuture.runAsync(
            () -> {
              RunStore store = LakeBatchHome.catalog().runs();
              try {
                sleep(400); // the follower starts before the file exists
                Files.createDirectories(log.getParent());
                for (int i = 1; i <= 8; i++) {
                  Files.writeString(
                      log,
                      "chunk " + i + " committed\n",
                      StandardCharsets.UTF_8,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.APPEND);
                  sleep(120);
                }
                Files.writeString(log, "run succeeded\n", StandardOpenOption.APPEND);
                store.transition(lease, RunState.SUCCEEDED, "done");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    CompletableFuture<Cli.Result> follow =
        CompletableFuture.supplyAsync(() -> Cli.run("logs", "r1", "-f"));
    Cli.Result result = follow.get(20, TimeUnit.SECONDS);
    driver.get(1, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      expected.append("chunk ").append(i).append(" committed\n");
    }
    assertThat(result.out()).isEqualTo(expected + "run succeeded\n");
  }

  @Test
  void cancelStopsAQueuedRunAndFlagsARunningOne() {
    register("queued", "a", 1);
    Cli.Result cancelled = Cli.run("cancel", "queued");
    assertThat(cancelled.exitCode()).as(cancelled.toString()).isZero();
    assertThat(cancelled.out()).isEqualToIgnoringNewLines("run queued cancelled");
    assertThat(runs.get("queued").state()).isEqualTo(RunState.CANCELLED);

    register("running", "b", 2);
    start(runs, "running"); // owned by this (live) process
    Cli.Result requested = Cli.run("cancel", "running");
    assertThat(requested.exitCode()).isZero();
    assertThat(requested.out())
        .contains("cancel requested for run running; it stops after its current chunk");
    assertThat(runs.get("running").cancelRequested()).isTrue();
    assertThat(Cli.run("status", "running").out()).contains("cancel requested  yes");

    register("done", "c", 1);
    runs.transition(start(runs, "done"), RunState.SUCCEEDED, "ok");
    Cli.Result late = Cli.run("cancel", "done");
    assertThat(late.exitCode()).isEqualTo(2);
    assertThat(late.err()).contains("SUCCEEDED");
    assertThat(Cli.run("cancel", "nosuch").exitCode()).isEqualTo(2);
  }

  @Test
  void anUnreachableCatalogExitsFiveAndNamesTheUrl() throws Exception {
    Path other = Files.createDirectories(dir.resolve("remote-home"));
    Files.writeString(
        other.resolve("lakebatch.yaml"),
        "catalog: {url: \"jdbc:postgresql://127.0.0.1:1/x\", user: u}\n");
    System.setProperty("lakebatch.home", other.toString());
    Cli.Result list = Cli.run("list");
    assertThat(list.exitCode()).as(list.toString()).isEqualTo(5);
    assertThat(list.err()).contains("jdbc:postgresql://127.0.0.1:1/x");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
