package io.lakebatch.catalog.store;

import static io.lakebatch.catalog.store.RunState.CANCELLED;
import static io.lakebatch.catalog.store.RunState.FAILED;
import static io.lakebatch.catalog.store.RunState.PARTIAL;
import static io.lakebatch.catalog.store.RunState.PLANNING;
import static io.lakebatch.catalog.store.RunState.QUEUED;
import static io.lakebatch.catalog.store.RunState.RUNNING;
import static io.lakebatch.catalog.store.RunState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every catalog database must give {@link RunStore}: run by {@link H2RunStoreTest}
 * against the embedded default and by {@link PostgresRunStoreTest} against a real PostgreSQL.
 */
abstract class RunStoreContractTest {

  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final String SHA = "ab".repeat(32);
  static final String SPEC_HASH = "cd".repeat(32);
  private static final Pattern HISTORY_LINE =
      Pattern.compile("^(\\S+) (\\S+) -> (\\S+)(?: by (\\S+))?(?:: (.*))?$", Pattern.DOTALL);

  /** A database no other test uses: a fresh one per call. */
  protected abstract CatalogConfig config();

  protected MutableClock clock;
  protected CatalogConfig config;
  protected CatalogDatabase database;
  protected RunStore store;

  @BeforeEach
  void openStore() {
    clock = new MutableClock(T0);
    config = config();
    database = CatalogDatabase.open(config);
    store = new RunStore(database, clock);
  }

  // ---------------------------------------------------------------- helpers

  static NewRun newRun(String runId, String name, List<Long> chunkRows) {
    return new NewRun(runId, name, "key-" + runId, SPEC_HASH, "name: " + name + "\n", "file:/models/eta.onnx",
        Optional.of("eta"), Optional.of(3), SHA, "/lake/in", 7, "/lake/out-" + runId, "/lake/dl-" + runId, 256,
        chunkRows);
  }

  static List<Long> rows(long... rows) {
    List<Long> list = new ArrayList<>();
    for (long r : rows) {
      list.add(r);
    }
    return list;
  }

  /** The path from QUEUED that drives a fresh run into {@code state}. */
  static List<RunState> pathTo(RunState state) {
    switch (state) {
      case QUEUED:
        return List.of();
      case PLANNING:
        return List.of(PLANNING);
      case RUNNING:
        return List.of(PLANNING, RUNNING);
      default:
        return List.of(PLANNING, RUNNING, state);
    }
  }

  RunRecord registerIn(String runId, RunState state) {
    store.register(newRun(runId, "job-" + runId, rows(10, 20)));
    RunRecord run = store.get(runId);
    for (RunState step : pathTo(state)) {
      run = store.transition(runId, step, Optional.of(RunOwner.current()), "to " + step);
    }
    assertThat(run.state()).isEqualTo(state);
    return run;
  }

  record Move(String from, String to, String owner, String detail) {}

  static List<Move> moves(List<String> history) {
    List<Move> moves = new ArrayList<>();
    for (String line : history) {
      Matcher m = HISTORY_LINE.matcher(line);
      assertThat(m.matches()).as("history line '%s'", line).isTrue();
      assertThat(Instant.parse(m.group(1))).isNotNull();
      moves.add(new Move(m.group(2), m.group(3), m.group(4), m.group(5)));
    }
    return moves;
  }

  static LakeBatchException userError(Runnable action) {
    LakeBatchException e = catchThrowableOfType(LakeBatchException.class, action::run);
    assertThat(e).as("expected a LakeBatchException").isNotNull();
    assertThat(e.category()).as(e.getMessage()).isEqualTo(ErrorCategory.USER);
    return e;
  }

  // ---------------------------------------------------------------- register

  @Test
  void registerCreatesAQueuedRunWithAPendingLedger() {
    RunRecord run = store.register(newRun("r1", "nightly-eta", rows(100, 250, 50)));

    assertThat(run.runId()).isEqualTo("r1");
    assertThat(run.name()).isEqualTo("nightly-eta");
    assertThat(run.runKey()).isEqualTo("key-r1");
    assertThat(run.specHash()).isEqualTo(SPEC_HASH);
    assertThat(run.specText()).isEqualTo("name: nightly-eta\n");
    assertThat(run.modelUri()).isEqualTo("file:/models/eta.onnx");
    assertThat(run.modelName()).contains("eta");
    assertThat(run.modelVersion()).contains(3);
    assertThat(run.modelLabel()).isEqualTo("eta@3");
    assertThat(run.modelSha256()).isEqualTo(SHA);
    assertThat(run.inputPath()).isEqualTo("/lake/in");
    assertThat(run.inputVersion()).isEqualTo(7);
    assertThat(run.outputPath()).isEqualTo("/lake/out-r1");
    assertThat(run.deadLetterPath()).isEqualTo("/lake/dl-r1");
    assertThat(run.batchSize()).isEqualTo(256);
    assertThat(run.state()).isEqualTo(QUEUED);
    assertThat(run.attempts()).isZero();
    assertThat(run.rowsTotal()).isEqualTo(400);
    assertThat(run.chunksTotal()).isEqualTo(3);
    assertThat(run.rowsInFlight()).isZero();
    assertThat(run.errorSummary()).isEmpty();
    assertThat(run.logPath()).isEmpty();
    assertThat(run.owner()).isEmpty();
    assertThat(run.cancelRequested()).isFalse();
    assertThat(run.createdAt()).isEqualTo(T0);
    assertThat(run.updatedAt()).isEqualTo(T0);
    assertThat(run.attemptStartedAt()).isEmpty();
    assertThat(run.finishedAt()).isEmpty();
    assertThat(run.heartbeatAt()).isEmpty();
    assertThat(run.rowVersion()).isZero();
    assertThat(store.get("r1")).isEqualTo(run);

    List<ChunkRecord> ledger = store.chunks("r1");
    assertThat(ledger).extracting(ChunkRecord::chunk).containsExactly(0, 1, 2);
    assertThat(ledger).extracting(ChunkRecord::plannedRows).containsExactly(100L, 250L, 50L);
    for (ChunkRecord chunk : ledger) {
      assertThat(chunk.runId()).isEqualTo("r1");
      assertThat(chunk.state()).isEqualTo(ChunkState.PENDING);
      assertThat(chunk.attempts()).isZero();
      assertThat(chunk.rowsOut()).isEmpty();
      assertThat(chunk.deadLetterRows()).isEmpty();
      assertThat(chunk.deltaVersion()).isEmpty();
      assertThat(chunk.lastError()).isEmpty();
      assertThat(chunk.committedAt()).isEmpty();
      assertThat(chunk.updatedAt()).isEqualTo(T0);
    }
    assertThat(moves(store.history("r1"))).containsExactly(new Move("(new)", "QUEUED", null, "registered"));
  }

  @Test
  void registerWithoutARegisteredModelKeepsItsUri() {
    NewRun plain = new NewRun("r-uri", "adhoc", "k", SPEC_HASH, "spec", "s3://bucket/m.onnx", Optional.empty(),
        Optional.empty(), SHA, "/in", 0, "/out", "/dl", 1, rows());
    RunRecord run = store.register(plain);
    assertThat(run.modelName()).isEmpty();
    assertThat(run.modelVersion()).isEmpty();
    assertThat(run.modelLabel()).isEqualTo("s3://bucket/m.onnx");
    assertThat(run.rowsTotal()).isZero();
    assertThat(run.chunksTotal()).isZero();
    assertThat(store.chunks("r-uri")).isEmpty();
  }

  @Test
  void registeringTheSameRunIdAgainReturnsTheExistingRecord() {
    RunRecord first = store.register(newRun("r1", "nightly", rows(100, 250, 50)));
    store.transition("r1", PLANNING, Optional.of(RunOwner.current()), "go");
    RunRecord moved = store.get("r1");
    clock.advanceSeconds(30);

    RunRecord again = store.register(newRun("r1", "renamed", rows(1, 2, 3, 4, 5)));

    assertThat(again).isEqualTo(moved);
    assertThat(again.name()).isEqualTo("nightly");
    assertThat(again.createdAt()).isEqualTo(first.createdAt());
    assertThat(again.chunksTotal()).isEqualTo(3);
    assertThat(store.chunks("r1")).hasSize(3).extracting(ChunkRecord::plannedRows).containsExactly(100L, 250L, 50L);
    assertThat(store.history("r1")).hasSize(2);
  }

  @Test
  void unknownRunIsAUserError() {
    assertThat(store.find("nope")).isEmpty();
    assertThat(userError(() -> store.get("nope")).getMessage()).contains("'nope'");
    assertThat(userError(() -> store.transition("nope", PLANNING, Optional.empty(), "x")).getMessage())
        .contains("'nope'");
    assertThat(userError(() -> store.requestCancel("nope")).getMessage()).contains("'nope'");
  }

  // ---------------------------------------------------------------- transitions

  @Test
  void everyLegalMoveSucceedsAndEveryIllegalOneThrowsAndChangesNothing() {
    int legal = 0;
    int illegal = 0;
    for (RunState from : RunState.values()) {
      // one run in `from` takes every illegal move, and must come out of each one unchanged
      String probe = "probe-" + from;
      RunRecord before = registerIn(probe, from);
      int historyBefore = store.history(probe).size();
      for (RunState to : RunState.values()) {
        if (from.canMoveTo(to)) {
          continue;
        }
        LakeBatchException e = userError(() -> store.transition(probe, to, Optional.of(RunOwner.current()), "bad"));
        assertThat(e.getMessage()).contains(probe).contains(from.name()).contains(to.name());
        RunRecord after = store.get(probe);
        assertThat(after.state()).isEqualTo(from);
        assertThat(after.rowVersion()).isEqualTo(before.rowVersion());
        assertThat(after).isEqualTo(before);
        illegal++;
      }
      assertThat(store.history(probe)).hasSize(historyBefore);

      // every legal move, each on a run of its own
      for (RunState to : from.successors()) {
        String runId = "legal-" + from + "-" + to;
        RunRecord start = registerIn(runId, from);
        clock.advanceSeconds(1);
        RunRecord moved = store.transition(runId, to, Optional.of(RunOwner.current()), "move");
        assertThat(moved.state()).as("%s -> %s", from, to).isEqualTo(to);
        assertThat(moved.rowVersion()).isEqualTo(start.rowVersion() + 1);
        assertThat(moved.updatedAt()).isEqualTo(clock.instant());
        assertThat(store.get(runId)).isEqualTo(moved);
        List<Move> history = moves(store.history(runId));
        assertThat(history.get(history.size() - 1)).isEqualTo(
            new Move(from.name(), to.name(), RunOwner.current().toString(), "move"));
        legal++;
      }
    }
    assertThat(legal).isEqualTo(16);
    assertThat(illegal).isEqualTo(33);
  }

  @Test
  void movesSetOwnerAttemptsTimestampsAndErrorSummary() {
    store.register(newRun("r1", "job", rows(10)));
    RunOwner owner = new RunOwner(4242, "worker-7");

    Instant planningAt = clock.advanceSeconds(5);
    RunRecord planning = store.transition("r1", PLANNING, Optional.of(owner), "claimed");
    assertThat(planning.attempts()).isEqualTo(1);
    assertThat(planning.owner()).contains("4242@worker-7");
    assertThat(planning.attemptStartedAt()).contains(planningAt);
    assertThat(planning.heartbeatAt()).contains(planningAt);
    assertThat(planning.finishedAt()).isEmpty();

    Instant runningAt = clock.advanceSeconds(5);
    RunRecord running = store.transition("r1", RUNNING, Optional.of(owner), "planned");
    assertThat(running.attempts()).isEqualTo(1);
    assertThat(running.owner()).contains("4242@worker-7");
    assertThat(running.attemptStartedAt()).contains(planningAt);
    assertThat(running.heartbeatAt()).contains(runningAt);

    store.heartbeat("r1", 77);
    assertThat(store.get("r1").rowsInFlight()).isEqualTo(77);

    Instant failedAt = clock.advanceSeconds(5);
    RunRecord failed = store.transition("r1", FAILED, Optional.of(owner), "model crashed");
    assertThat(failed.finishedAt()).contains(failedAt);
    assertThat(failed.errorSummary()).contains("model crashed");
    assertThat(failed.rowsInFlight()).isZero();
    assertThat(failed.attempts()).isEqualTo(1);

    clock.advanceSeconds(5);
    RunRecord requeued = store.transition("r1", QUEUED, Optional.empty(), "rerun");
    assertThat(requeued.owner()).isEmpty();
    assertThat(requeued.finishedAt()).isEmpty();
    assertThat(requeued.cancelRequested()).isFalse();
    assertThat(requeued.attempts()).isEqualTo(1);

    Instant secondStart = clock.advanceSeconds(5);
    RunRecord second = store.transition("r1", PLANNING, Optional.of(RunOwner.current()), "claimed again");
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.owner()).contains(RunOwner.current().toString());
    assertThat(second.attemptStartedAt()).contains(secondStart);
    assertThat(second.errorSummary()).isEmpty();

    store.transition("r1", RUNNING, Optional.empty(), null);
    Instant succeededAt = clock.advanceSeconds(5);
    RunRecord succeeded = store.transition("r1", SUCCEEDED, Optional.empty(), "all committed");
    assertThat(succeeded.finishedAt()).contains(succeededAt);
    assertThat(succeeded.errorSummary()).as("SUCCEEDED has no error summary").isEmpty();

    assertThat(moves(store.history("r1"))).containsExactly(
        new Move("(new)", "QUEUED", null, "registered"),
        new Move("QUEUED", "PLANNING", "4242@worker-7", "claimed"),
        new Move("PLANNING", "RUNNING", "4242@worker-7", "planned"),
        new Move("RUNNING", "FAILED", "4242@worker-7", "model crashed"),
        new Move("FAILED", "QUEUED", null, "rerun"),
        new Move("QUEUED", "PLANNING", RunOwner.current().toString(), "claimed again"),
        new Move("PLANNING", "RUNNING", null, null),
        new Move("RUNNING", "SUCCEEDED", null, "all committed"));
    List<String> lines = store.history("r1");
    assertThat(lines.get(0)).startsWith(T0.toString() + " ");
    assertThat(lines.get(7)).startsWith(succeededAt + " ");
  }

  @Test
  void partialAndCancelledKeepTheirSummaryAndLongSummariesAreTruncated() {
    registerIn("p", RUNNING);
    RunRecord partial = store.transition("p", PARTIAL, Optional.empty(), "2 of 9 chunks failed");
    assertThat(partial.errorSummary()).contains("2 of 9 chunks failed");
    assertThat(partial.finishedAt()).contains(T0);

    registerIn("c", PLANNING);
    RunRecord cancelled = store.transition("c", CANCELLED, Optional.empty(), "user asked");
    assertThat(cancelled.errorSummary()).contains("user asked");
    assertThat(cancelled.finishedAt()).isPresent();

    registerIn("long", RUNNING);
    String huge = "x".repeat(5000);
    RunRecord failed = store.transition("long", FAILED, Optional.empty(), huge);
    assertThat(failed.errorSummary()).hasValueSatisfying(s -> {
      assertThat(s).hasSize(4000).endsWith("...").startsWith("xxxx");
    });
    assertThat(moves(store.history("long")).get(3).detail()).hasSize(4000);
  }

  // ---------------------------------------------------------------- chunk ledger

  @Test
  void chunkLedgerRecordsStartsCommitsAndFailures() {
    store.register(newRun("r1", "job", rows(100, 200, 300)));

    clock.advanceSeconds(1);
    store.chunkStarted("r1", 0);
    ChunkRecord started = store.chunks("r1").get(0);
    assertThat(started.state()).isEqualTo(ChunkState.RUNNING);
    assertThat(started.attempts()).isEqualTo(1);
    assertThat(started.updatedAt()).isEqualTo(clock.instant());
    store.chunkStarted("r1", 0);
    assertThat(store.chunks("r1").get(0).attempts()).isEqualTo(2);

    Instant committedAt = clock.advanceSeconds(1);
    store.chunkCommitted("r1", new ChunkCommit(0, 12, 95, 5));
    ChunkRecord committed = store.chunks("r1").get(0);
    assertThat(committed.state()).isEqualTo(ChunkState.COMMITTED);
    assertThat(committed.rowsOut()).contains(95L);
    assertThat(committed.deadLetterRows()).contains(5L);
    assertThat(committed.deltaVersion()).contains(12L);
    assertThat(committed.committedAt()).contains(committedAt);
    assertThat(committed.attempts()).isEqualTo(2);
    assertThat(committed.plannedRows()).isEqualTo(100);

    store.chunkStarted("r1", 1);
    store.chunkFailed("r1", 1, "OrtException: bad input");
    ChunkRecord failedChunk = store.chunks("r1").get(1);
    assertThat(failedChunk.state()).isEqualTo(ChunkState.FAILED);
    assertThat(failedChunk.lastError()).contains("OrtException: bad input");
    assertThat(failedChunk.attempts()).isEqualTo(1);
    assertThat(failedChunk.committedAt()).isEmpty();

    // a retry that commits clears the error
    store.chunkStarted("r1", 1);
    store.chunkCommitted("r1", new ChunkCommit(1, 13, 200, 0));
    ChunkRecord retried = store.chunks("r1").get(1);
    assertThat(retried.state()).isEqualTo(ChunkState.COMMITTED);
    assertThat(retried.lastError()).isEmpty();
    assertThat(retried.attempts()).isEqualTo(2);

    assertThat(store.chunks("r1").get(2).state()).isEqualTo(ChunkState.PENDING);
    // the run record itself is not touched by ledger updates
    assertThat(store.get("r1").rowVersion()).isZero();

    LakeBatchException missing = catchThrowableOfType(LakeBatchException.class, () -> store.chunkStarted("r1", 3));
    assertThat(missing).isNotNull();
    assertThat(missing.category()).isEqualTo(ErrorCategory.INTERNAL);
    assertThat(missing.getMessage()).contains("chunk 3").contains("r1");
  }

  @Test
  void reconcileFollowsTheDeltaLogAndIsIdempotent() {
    store.register(newRun("r1", "job", rows(10, 20, 30, 40, 50, 60)));
    store.chunkStarted("r1", 0);
    store.chunkCommitted("r1", new ChunkCommit(0, 3, 10, 0)); // agrees with the log
    store.chunkStarted("r1", 1);
    store.chunkCommitted("r1", new ChunkCommit(1, 4, 20, 0)); // the log does not have it
    store.chunkStarted("r1", 2); // RUNNING, but the log has it
    store.chunkStarted("r1", 3);
    store.chunkFailed("r1", 3, "boom"); // FAILED, not in the log
    // chunk 4 is PENDING but the log has it
    store.chunkCommitted("r1", new ChunkCommit(5, 2, 60, 0)); // the log has it at another version
    Instant reconcileAt = clock.advanceSeconds(60);

    List<ChunkCommit> log = List.of(new ChunkCommit(0, 3, 10, 0), new ChunkCommit(2, 8, 29, 1),
        new ChunkCommit(4, 9, 50, 0), new ChunkCommit(5, 6, 60, 0));
    int changed = store.reconcile("r1", log);

    // 1 -> PENDING, 2 -> COMMITTED, 3 -> PENDING, 4 -> COMMITTED, 5 re-committed at the log's version
    assertThat(changed).isEqualTo(5);
    List<ChunkRecord> ledger = store.chunks("r1");
    assertThat(ledger).extracting(ChunkRecord::state).containsExactly(ChunkState.COMMITTED, ChunkState.PENDING,
        ChunkState.COMMITTED, ChunkState.PENDING, ChunkState.COMMITTED, ChunkState.COMMITTED);
    assertThat(ledger).extracting(ChunkRecord::deltaVersion).containsExactly(Optional.of(3L), Optional.empty(),
        Optional.of(8L), Optional.empty(), Optional.of(9L), Optional.of(6L));
    assertThat(ledger).extracting(ChunkRecord::rowsOut).containsExactly(Optional.of(10L), Optional.empty(),
        Optional.of(29L), Optional.empty(), Optional.of(50L), Optional.of(60L));
    assertThat(ledger.get(2).deadLetterRows()).contains(1L);
    assertThat(ledger.get(0).committedAt()).contains(T0); // untouched
    assertThat(ledger.get(1).committedAt()).isEmpty();
    assertThat(ledger.get(4).committedAt()).contains(reconcileAt);

    assertThat(store.reconcile("r1", log)).isZero();
    assertThat(store.chunks("r1")).isEqualTo(ledger);

    // an empty log resets every commit
    assertThat(store.reconcile("r1", List.of())).isEqualTo(4);
    assertThat(store.chunks("r1")).extracting(ChunkRecord::state).containsOnly(ChunkState.PENDING);
    assertThat(store.reconcile("r1", List.of())).isZero();
  }

  record LedgerRow(int chunk, ChunkState state, long plannedRows, Optional<Long> rowsOut,
      Optional<Long> deadLetterRows, Optional<Long> deltaVersion, Optional<Instant> committedAt) {
    static LedgerRow of(ChunkRecord c) {
      return new LedgerRow(c.chunk(), c.state(), c.plannedRows(), c.rowsOut(), c.deadLetterRows(), c.deltaVersion(),
          c.committedAt());
    }
  }

  @Test
  void deletedLedgerIsRebuiltExactlyFromPlannedRowsAndTheDeltaLog() {
    List<Long> planned = rows(11, 22, 33, 44, 55);
    store.register(newRun("r1", "job", planned));
    List<ChunkCommit> log = List.of(new ChunkCommit(0, 1, 11, 0), new ChunkCommit(2, 2, 30, 3),
        new ChunkCommit(3, 3, 44, 0));
    for (ChunkCommit commit : log) {
      store.chunkCommitted("r1", commit);
    }
    List<LedgerRow> original = store.chunks("r1").stream().map(LedgerRow::of).toList();

    assertThat(store.deleteLedger("r1")).isEqualTo(5);
    assertThat(store.chunks("r1")).isEmpty();
    assertThat(store.deleteLedger("r1")).isZero();
    assertThat(store.restoreLedger("r1", planned)).isEqualTo(5);
    assertThat(store.restoreLedger("r1", planned)).isZero();
    assertThat(store.chunks("r1")).extracting(ChunkRecord::state).containsOnly(ChunkState.PENDING);
    assertThat(store.reconcile("r1", log)).isEqualTo(3);

    assertThat(store.chunks("r1").stream().map(LedgerRow::of).toList()).isEqualTo(original);
    assertThat(store.reconcile("r1", log)).isZero();

    // a partly deleted ledger gets only its missing rows back
    database.inTransaction(c -> {
      try (var delete = c.prepareStatement("DELETE FROM chunks WHERE run_id = 'r1' AND chunk IN (1, 3)")) {
        return delete.executeUpdate();
      }
    });
    assertThat(store.restoreLedger("r1", planned)).isEqualTo(2);
    assertThat(store.reconcile("r1", log)).isEqualTo(1);
    assertThat(store.chunks("r1").stream().map(LedgerRow::of).toList()).isEqualTo(original);
  }

  // ---------------------------------------------------------------- progress

  @Test
  void progressCountsCommittedAndInFlightRowsAgainstAControlledClock() {
    store.register(newRun("r1", "job", rows(100, 100, 100, 100)));
    RunProgress queued = store.progress("r1");
    assertThat(queued.rowsDone()).isZero();
    assertThat(queued.rowsTotal()).isEqualTo(400);
    assertThat(queued.chunksTotal()).isEqualTo(4);
    assertThat(queued.eta()).isEmpty();
    assertThat(queued.elapsed()).isEqualTo(Duration.ZERO);

    Instant start = clock.advanceSeconds(10);
    store.transition("r1", PLANNING, Optional.of(RunOwner.current()), "go");
    store.transition("r1", RUNNING, Optional.empty(), "planned");
    RunProgress fresh = store.progress("r1");
    assertThat(fresh.rowsPerSecond()).isZero();
    assertThat(fresh.eta()).isEmpty();

    clock.advanceSeconds(10);
    store.chunkStarted("r1", 0);
    store.chunkCommitted("r1", new ChunkCommit(0, 1, 100, 0));
    RunProgress one = store.progress("r1");
    assertThat(one.rowsDone()).isEqualTo(100);
    assertThat(one.chunksDone()).isEqualTo(1);
    assertThat(one.rowsPerSecond()).isCloseTo(10.0, within(1e-9)); // 100 rows in 10 s
    assertThat(one.eta()).contains(Duration.ofSeconds(30)); // 300 rows at 10 rows/s
    assertThat(one.elapsed()).isEqualTo(Duration.ofSeconds(10));

    store.heartbeat("r1", 50); // chunk 1 half scored
    RunProgress inFlight = store.progress("r1");
    assertThat(inFlight.rowsDone()).isEqualTo(150);
    assertThat(inFlight.chunksDone()).isEqualTo(1);
    assertThat(inFlight.rowsPerSecond()).isCloseTo(15.0, within(1e-9));
    assertThat(inFlight.eta()).contains(Duration.ofSeconds(17)); // 250 / 15 = 16.67
    assertThat(inFlight.render()).isEqualTo("RUNNING 1/4 chunks | 150/400 rows (38%) | 15 rows/s | ETA 0:00:17");
    assertThat(store.get("r1").heartbeatAt()).contains(clock.instant());

    clock.advanceSeconds(5);
    store.chunkCommitted("r1", new ChunkCommit(1, 2, 100, 0));
    store.heartbeat("r1", 0);
    store.chunkFailed("r1", 2, "bad rows");
    RunProgress two = store.progress("r1");
    assertThat(two.rowsDone()).isEqualTo(200);
    assertThat(two.chunksDone()).isEqualTo(2);
    assertThat(two.chunksFailed()).isEqualTo(1);
    assertThat(two.rowsPerSecond()).isCloseTo(200 / 15.0, within(1e-9));
    assertThat(two.eta()).contains(Duration.ofSeconds(15)); // 200 rows at 13.33 rows/s
    assertThat(two.elapsed()).isEqualTo(Duration.ofSeconds(15));

    Instant finished = clock.advanceSeconds(5);
    store.transition("r1", PARTIAL, Optional.empty(), "chunk 2 failed");
    clock.advanceSeconds(1000);
    RunProgress partial = store.progress("r1");
    assertThat(partial.eta()).contains(Duration.ZERO);
    assertThat(partial.elapsed()).isEqualTo(Duration.between(start, finished));
    assertThat(partial.rowsPerSecond()).isCloseTo(10.0, within(1e-9)); // 200 rows in 20 s
    assertThat(partial.rowsDone()).isEqualTo(200);

    // a rerun: old commits count as done, but not towards the new attempt's rate
    store.transition("r1", QUEUED, Optional.empty(), "rerun");
    store.transition("r1", PLANNING, Optional.of(RunOwner.current()), "again");
    store.transition("r1", RUNNING, Optional.empty(), "planned");
    clock.advanceSeconds(10);
    RunProgress rerun = store.progress("r1");
    assertThat(rerun.rowsDone()).isEqualTo(200);
    assertThat(rerun.rowsPerSecond()).isZero();
    assertThat(rerun.eta()).isEmpty();
    assertThat(rerun.elapsed()).isEqualTo(Duration.ofSeconds(10));
    clock.advanceSeconds(10);
    store.chunkCommitted("r1", new ChunkCommit(2, 3, 100, 0));
    RunProgress rerunOne = store.progress("r1");
    assertThat(rerunOne.rowsDone()).isEqualTo(300);
    assertThat(rerunOne.rowsPerSecond()).isCloseTo(5.0, within(1e-9)); // 100 rows in 20 s
    assertThat(rerunOne.eta()).contains(Duration.ofSeconds(20));
  }

  @Test
  void heartbeatAndLogPathAreStored() {
    store.register(newRun("r1", "job", rows(10)));
    store.setLogPath("r1", "/var/log/lakebatch/r1.log");
    clock.advanceSeconds(3);
    store.heartbeat("r1", 9);
    RunRecord run = store.get("r1");
    assertThat(run.logPath()).contains("/var/log/lakebatch/r1.log");
    assertThat(run.heartbeatAt()).contains(T0.plusSeconds(3));
    assertThat(run.rowsInFlight()).isEqualTo(9);
    assertThat(run.rowVersion()).isZero();
  }

  // ---------------------------------------------------------------- list

  private void registerFiveRuns() {
    String[] names = {"nightly-eta", "nightly-fraud", "weekly-eta", "adhoc", "eta-backfill"};
    for (int i = 0; i < names.length; i++) {
      clock.advanceSeconds(1);
      store.register(newRun("r" + (i + 1), names[i], rows(1)));
    }
    store.requestCancel("r2");
    store.transition("r4", PLANNING, Optional.of(RunOwner.current()), "go");
  }

  private static List<String> ids(List<RunRecord> runs) {
    return runs.stream().map(RunRecord::runId).toList();
  }

  @Test
  void listShowsNewestFirstFilteredByStateAndNameAndLimited() {
    registerFiveRuns();
    assertThat(ids(store.list(RunFilter.recent()))).containsExactly("r5", "r4", "r3", "r2", "r1");
    assertThat(ids(store.list(new RunFilter(Optional.of(QUEUED), Optional.empty(), 20))))
        .containsExactly("r5", "r3", "r1");
    assertThat(ids(store.list(new RunFilter(Optional.of(CANCELLED), Optional.empty(), 20)))).containsExactly("r2");
    assertThat(ids(store.list(new RunFilter(Optional.of(SUCCEEDED), Optional.empty(), 20)))).isEmpty();
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("eta"), 20))))
        .containsExactly("r5", "r3", "r1");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("nightly"), 20))))
        .containsExactly("r2", "r1");
    assertThat(ids(store.list(new RunFilter(Optional.of(QUEUED), Optional.of("nightly"), 20)))).containsExactly("r1");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("eta"), 2)))).containsExactly("r5", "r3");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.empty(), 1)))).containsExactly("r5");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("nope"), 20)))).isEmpty();
    assertThat(store.list(RunFilter.recent()).get(1)).isEqualTo(store.get("r4"));
  }

  @Test
  void listDefaultLimitIsTwenty() {
    for (int i = 0; i < 25; i++) {
      clock.advanceSeconds(1);
      store.register(newRun(String.format("run-%02d", i), "job", rows()));
    }
    List<String> recent = ids(store.list(RunFilter.recent()));
    assertThat(recent).hasSize(RunFilter.DEFAULT_LIMIT).startsWith("run-24", "run-23").endsWith("run-05");
  }

  @Test
  void nameFilterIsALiteralSubstring() {
    registerFiveRuns();
    // "y_e" is not in any name, but LIKE '%y_e%' matches nightly-eta and weekly-eta
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("y_e"), 20)))).isEmpty();
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("%"), 20)))).isEmpty();
  }

  // ---------------------------------------------------------------- cancel

  @Test
  void cancellingAQueuedRunCancelsItAtOnce() {
    store.register(newRun("r1", "job", rows(10)));
    clock.advanceSeconds(2);
    RunRecord cancelled = store.requestCancel("r1");
    assertThat(cancelled.state()).isEqualTo(CANCELLED);
    assertThat(cancelled.finishedAt()).contains(T0.plusSeconds(2));
    assertThat(store.get("r1")).isEqualTo(cancelled);
    List<Move> history = moves(store.history("r1"));
    assertThat(history).hasSize(2);
    assertThat(history.get(1).from()).isEqualTo("QUEUED");
    assertThat(history.get(1).to()).isEqualTo("CANCELLED");
  }

  @Test
  void cancellingARunOwnedByThisLiveProcessOnlyRequestsIt() {
    registerIn("r1", RUNNING);
    RunRecord requested = store.requestCancel("r1");
    assertThat(requested.state()).isEqualTo(RUNNING);
    assertThat(requested.cancelRequested()).isTrue();
    assertThat(requested.owner()).contains(RunOwner.current().toString());
    assertThat(store.get("r1").cancelRequested()).isTrue();
    assertThat(store.history("r1")).hasSize(3);

    // asking twice is harmless
    assertThat(store.requestCancel("r1").state()).isEqualTo(RUNNING);

    // the driver honours it; a later rerun starts with a clean flag
    store.transition("r1", CANCELLED, Optional.of(RunOwner.current()), "cancel requested");
    RunRecord requeued = store.transition("r1", QUEUED, Optional.empty(), "rerun");
    assertThat(requeued.cancelRequested()).isFalse();
  }

  @Test
  void cancellingARunWhoseLocalDriverDiedCancelsIt() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(gone.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    RunOwner dead = new RunOwner(gone.pid(), RunOwner.current().host());

    store.register(newRun("r1", "job", rows(10)));
    store.transition("r1", PLANNING, Optional.of(dead), "claimed");
    store.transition("r1", RUNNING, Optional.of(dead), "planned");
    clock.advanceSeconds(1);

    RunRecord cancelled = store.requestCancel("r1");
    assertThat(cancelled.state()).isEqualTo(CANCELLED);
    assertThat(cancelled.errorSummary()).hasValueSatisfying(s -> assertThat(s).contains(dead.toString()));
    assertThat(cancelled.finishedAt()).contains(clock.instant());
  }

  @Test
  void cancellingARunOnAnotherHostDependsOnItsHeartbeat() {
    RunOwner remote = new RunOwner(12345, "some-other-host.invalid");
    store.register(newRun("r1", "job", rows(10)));
    store.transition("r1", PLANNING, Optional.of(remote), "claimed");
    store.transition("r1", RUNNING, Optional.of(remote), "planned");

    clock.advance(RunOwner.HEARTBEAT_TIMEOUT.minusSeconds(1));
    RunRecord fresh = store.requestCancel("r1");
    assertThat(fresh.state()).isEqualTo(RUNNING);
    assertThat(fresh.cancelRequested()).isTrue();

    clock.advanceSeconds(2);
    RunRecord stale = store.requestCancel("r1");
    assertThat(stale.state()).isEqualTo(CANCELLED);
  }

  @Test
  void cancellingAPlanningRunWhoseLocalDriverDiedCancelsIt() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    RunOwner dead = new RunOwner(gone.pid(), RunOwner.current().host());
    store.register(newRun("r1", "job", rows(10)));
    store.transition("r1", PLANNING, Optional.of(dead), "claimed");

    RunRecord cancelled = store.requestCancel("r1");
    assertThat(cancelled.state()).isEqualTo(CANCELLED);
  }

  @Test
  void cancellingAPlanningRunOwnedByThisLiveProcessOnlyRequestsIt() {
    registerIn("r1", PLANNING);
    RunRecord requested = store.requestCancel("r1");
    assertThat(requested.state()).isEqualTo(PLANNING);
    assertThat(requested.cancelRequested()).isTrue();
  }

  @Test
  void cancellingAFinishedRunThrowsAndChangesNothing() {
    for (RunState terminal : List.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED)) {
      RunRecord done = registerIn("done-" + terminal, terminal);
      LakeBatchException e = userError(() -> store.requestCancel(done.runId()));
      assertThat(e.getMessage()).contains(terminal.name()).contains("CANCELLED");
      assertThat(store.get(done.runId())).isEqualTo(done);
    }
  }

  // ---------------------------------------------------------------- concurrency in one JVM

  @Test
  @Timeout(60)
  void eightThreadsRaceToClaimAQueuedRunAndExactlyOneWins() throws Exception {
    store.register(newRun("r1", "job", rows(10)));
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        RunOwner owner = new RunOwner(1000 + t, "racer");
        results.add(pool.submit(() -> {
          start.await();
          try {
            return store.transition("r1", PLANNING, Optional.of(owner), "race");
          } catch (RuntimeException e) {
            return e;
          }
        }));
      }
      start.countDown();
      int won = 0;
      String winner = null;
      for (Future<Object> result : results) {
        Object outcome = result.get(30, TimeUnit.SECONDS);
        if (outcome instanceof RunRecord) {
          won++;
          winner = ((RunRecord) outcome).owner().orElseThrow();
        } else {
          assertThat(outcome).isInstanceOf(LakeBatchException.class);
          LakeBatchException e = (LakeBatchException) outcome;
          assertThat(e.category()).as(e.toString()).isEqualTo(ErrorCategory.USER);
          assertThat(e.getMessage()).contains("PLANNING");
        }
      }
      assertThat(won).isEqualTo(1);
      RunRecord run = store.get("r1");
      assertThat(run.state()).isEqualTo(PLANNING);
      assertThat(run.attempts()).isEqualTo(1);
      assertThat(run.rowVersion()).isEqualTo(1);
      assertThat(run.owner()).contains(winner);
      List<Move> history = moves(store.history("r1"));
      assertThat(history).hasSize(2);
      assertThat(history.get(1).owner()).isEqualTo(winner);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(60)
  void eightThreadsCommitDifferentChunksOfOneRun() throws Exception {
    int chunks = 64;
    List<Long> planned = IntStream.range(0, chunks).mapToObj(i -> 10L + i).toList();
    long total = planned.stream().mapToLong(Long::longValue).sum();
    store.register(newRun("r1", "job", planned));
    store.transition("r1", PLANNING, Optional.of(RunOwner.current()), "go");
    store.transition("r1", RUNNING, Optional.empty(), "planned");
    clock.advanceSeconds(10);

    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Integer> work = () -> {
          start.await();
          int done = 0;
          for (int chunk = thread; chunk < chunks; chunk += threads) {
            store.chunkStarted("r1", chunk);
            store.chunkCommitted("r1", new ChunkCommit(chunk, 100 + chunk, planned.get(chunk), 0));
            done++;
          }
          return done;
        };
        results.add(pool.submit(work));
      }
      start.countDown();
      int done = 0;
      for (Future<Integer> result : results) {
        done += result.get(50, TimeUnit.SECONDS);
      }
      assertThat(done).isEqualTo(chunks);
    } finally {
      pool.shutdownNow();
    }

    List<ChunkRecord> ledger = store.chunks("r1");
    assertThat(ledger).hasSize(chunks).allSatisfy(c -> {
      assertThat(c.state()).isEqualTo(ChunkState.COMMITTED);
      assertThat(c.attempts()).isEqualTo(1);
      assertThat(c.rowsOut()).contains(planned.get(c.chunk()));
      assertThat(c.deltaVersion()).contains(100L + c.chunk());
    });
    RunProgress progress = store.progress("r1");
    assertThat(progress.rowsDone()).isEqualTo(total);
    assertThat(progress.chunksDone()).isEqualTo(chunks);
    assertThat(progress.eta()).contains(Duration.ZERO);
    assertThat(progress.rowsPerSecond()).isCloseTo(total / 10.0, within(1e-9));
  }

  // ---------------------------------------------------------------- concurrency across processes

  private static final int CROSS_CHUNKS = 200;

  @Test
  @Timeout(120)
  void twoProcessesRaceOnOneRunAndLeaveAConsistentRecord() throws Exception {
    String runId = "shared-run";
    List<Long> planned = IntStream.range(0, CROSS_CHUNKS).mapToObj(i -> 1000L + i).toList();
    RunStore real = new RunStore(CatalogDatabase.open(config), java.time.Clock.systemUTC());
    real.register(newRun(runId, "cross-process", planned));

    List<Worker> workers = new ArrayList<>();
    try {
      for (int w = 0; w < 2; w++) {
        workers.add(Worker.start(config, runId, w, 2));
      }
      for (Worker worker : workers) {
        worker.awaitLine("READY", 60);
      }
      for (Worker worker : workers) {
        worker.send("GO");
      }
      for (Worker worker : workers) {
        worker.awaitExit(90);
      }
    } finally {
      workers.forEach(Worker::kill);
    }

    // exactly one process won the claim
    List<Integer> exits = workers.stream().map(Worker::exitCode).sorted().toList();
    assertThat(exits).as(describe(workers)).containsExactly(RunStoreWorker.EXIT_WON, RunStoreWorker.EXIT_LOST);
    long winners = workers.stream().filter(w -> w.lines().contains("CLAIM WON")).count();
    long losers = workers.stream().filter(w -> w.lines().contains("CLAIM LOST")).count();
    assertThat(winners).as(describe(workers)).isEqualTo(1);
    assertThat(losers).as(describe(workers)).isEqualTo(1);

    // the ledger holds every commit of both processes
    List<ChunkRecord> ledger = real.chunks(runId);
    assertThat(ledger).hasSize(CROSS_CHUNKS).allSatisfy(c -> {
      assertThat(c.state()).isEqualTo(ChunkState.COMMITTED);
      assertThat(c.rowsOut()).contains(planned.get(c.chunk()));
      assertThat(c.deltaVersion()).contains(RunStoreWorker.deltaVersion(c.chunk()));
      assertThat(c.attempts()).isEqualTo(1);
    });
    assertThat(real.progress(runId).chunksDone()).isEqualTo(CROSS_CHUNKS);
    assertThat(real.progress(runId).rowsDone()).isEqualTo(planned.stream().mapToLong(Long::longValue).sum());

    // the history is one legal chain with no lost or forked update
    List<Move> history = moves(real.history(runId));
    assertThat(history.get(0)).isEqualTo(new Move("(new)", "QUEUED", null, "registered"));
    for (int i = 1; i < history.size(); i++) {
      RunState from = RunState.valueOf(history.get(i).from());
      RunState previous = RunState.valueOf(history.get(i - 1).to());
      RunState to = RunState.valueOf(history.get(i).to());
      assertThat(from).as("move %d starts where move %d ended: %s", i, i - 1, history).isEqualTo(previous);
      assertThat(from.canMoveTo(to)).as("move %d %s -> %s", i, from, to).isTrue();
    }
    int moved = workers.stream().mapToInt(Worker::moves).sum();
    int claims = 1;
    assertThat(history).hasSize(1 + claims + moved);
    long planningEntries = history.stream().filter(m -> m.to().equals("PLANNING")).count();
    RunRecord run = real.get(runId);
    assertThat(run.attempts()).isEqualTo(planningEntries);
    assertThat(run.rowVersion()).isEqualTo(history.size() - 1);
    assertThat(run.state().name()).isEqualTo(history.get(history.size() - 1).to());
    // both processes really moved the run, and both lost some races
    assertThat(history.stream().map(Move::owner).filter(o -> o != null).distinct().count()).isEqualTo(2);
  }

  private static String describe(List<Worker> workers) {
    return workers.stream().map(Worker::toString).collect(Collectors.joining("\n"));
  }

  /** A child JVM running {@link RunStoreWorker}. */
  static final class Worker {
    private final int index;
    private final Process process;
    private final Path stderr;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

    private Worker(int index, Process process, Path stderr) {
      this.index = index;
      this.process = process;
      this.stderr = stderr;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
            queue.add(line);
          }
        } catch (IOException e) {
          lines.add("(stdout read failed: " + e + ")");
        }
      }, "worker-" + index + "-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Worker start(CatalogConfig config, String runId, int index, int workers) throws IOException {
      return start(index, RunStoreWorker.class, List.of(config.url(), config.user(), config.password(), runId,
          Integer.toString(index), Integer.toString(workers)));
    }

    /** Starts {@code main} in a child JVM on this JVM's (test) class path. */
    static Worker start(int index, Class<?> main, List<String> args) throws IOException {
      String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Path stderr = Files.createTempFile(main.getSimpleName() + "-" + index + "-", ".err");
      List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", classpath, main.getName()));
      command.addAll(args);
      Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      return new Worker(index, process, stderr);
    }

    void awaitLine(String expected, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        String line = queue.poll(100, TimeUnit.MILLISECONDS);
        if (expected.equals(line)) {
          return;
        }
        if (line == null && !process.isAlive() && queue.isEmpty()) {
          fail("worker %d exited before '%s':%n%s", index, expected, this);
        }
      }
      fail("worker %d did not print '%s' in %d s:%n%s", index, expected, seconds, this);
    }

    void send(String line) throws IOException {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    void awaitExit(int seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        fail("worker %d did not finish in %d s:%n%s", index, seconds, this);
      }
    }

    int exitCode() {
      return process.exitValue();
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    int moves() {
      for (String line : lines()) {
        if (line.startsWith("DONE ")) {
          Matcher m = Pattern.compile("DONE moves=(\\d+) lost=(\\d+)").matcher(line);
          assertThat(m.matches()).as(line).isTrue();
          return Integer.parseInt(m.group(1));
        }
      }
      return fail("worker %d printed no DONE line:%n%s", index, this);
    }

    void kill() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }

    @Override
    public String toString() {
      String err;
      try {
        err = Files.readString(stderr);
      } catch (IOException e) {
        err = e.toString();
      }
      String exit = process.isAlive() ? "running" : Integer.toString(process.exitValue());
      return "worker " + index + " (exit " + exit + ")\n  stdout: " + lines() + "\n  stderr: "
          + (err.length() > 4000 ? err.substring(0, 4000) + "..." : err);
    }
  }
}
