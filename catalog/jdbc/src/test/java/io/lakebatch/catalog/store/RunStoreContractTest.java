package io.lakebatch.catalog.store;

import static io.lakebatch.catalog.store.RunState.CANCELLED;
import static io.lakebatch.catalog.store.RunState.FAILED;
import static io.lakebatch.catalog.store.RunState.PARTIAL;
import static io.lakebatch.catalog.store.RunState.PLANNING;
import static io.lakebatch.catalog.store.RunState.QUEUED;
import static io.lakebatch.catalog.store.RunState.RUNNING;
import static io.lakebatch.catalog.store.RunState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every catalog database must give {@link RunStore}: run by {@link H2RunStoreTest}
 * against the embedded default and by {@link PostgresRunStoreTest} against a real PostgreSQL. The
 * tests see the store through its interface only; {@link #newStore} makes the implementation.
 */
@Timeout(60)
abstract class RunStoreContractTest {

  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final String SHA = "ab".repeat(32);
  static final String SPEC_HASH = "cd".repeat(32);

  /** How old a heartbeat must be before its driver counts as gone, in these tests. */
  static final Duration LIVENESS = Duration.ofSeconds(5);

  private static final Pattern HISTORY_LINE =
      Pattern.compile(
          "^(\\S+) (\\S+) -> (\\S+)(?: by (\\S+))?(?: epoch (\\d+))?(?:: (.*))?$", Pattern.DOTALL);

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
    store = newStore(database, clock);
  }

  /** The run store under test, on {@code database}, stamping times with {@code clock}. */
  static RunStore newStore(CatalogDatabase database, Clock clock) {
    return new JdbcRunStore(database, clock);
  }

  /**
   * Closes the pooled connections, so an embedded database releases its files before its folder
   * goes.
   */
  @AfterEach
  void closeStore() {
    database.close();
  }

  // ---------------------------------------------------------------- helpers

  static NewRun newRun(String runId, String name, List<Long> chunkRows) {
    return new NewRun(
        runId,
        name,
        "key-" + runId,
        SPEC_HASH,
        "name: " + name + "\n",
        "file:/models/eta.onnx",
        Optional.of("eta"),
        Optional.of(3),
        SHA,
        "/lake/in",
        7,
        "/lake/out-" + runId,
        "/lake/dl-" + runId,
        256,
        chunkRows);
  }

  static List<Long> rows(long... rows) {
    List<Long> list = new ArrayList<>();
    for (long r : rows) {
      list.add(r);
    }
    return list;
  }

  /** The moves after a take (PLANNING) that drive a run into {@code state}. */
  static List<RunState> pathAfterTake(RunState state) {
    switch (state) {
      case PLANNING:
        return List.of();
      case RUNNING:
        return List.of(RUNNING);
      default:
        return List.of(RUNNING, state);
    }
  }

  /** Takes a run for this process, with no test hook. */
  RunLease take(String runId) {
    return take(runId, RunOwner.current());
  }

  RunLease take(String runId, RunOwner owner) {
    return store.take(runId, owner, LIVENESS, () -> {});
  }

  /** Registers a run and drives it into {@code state} by a take of this process (past QUEUED). */
  Optional<RunLease> registerIn(String runId, RunState state) {
    store.register(newRun(runId, "job-" + runId, rows(10, 20)));
    if (state == QUEUED) {
      return Optional.empty();
    }
    RunLease lease = take(runId);
    for (RunState step : pathAfterTake(state)) {
      store.transition(lease, step, "to " + step);
    }
    assertThat(store.get(runId).state()).isEqualTo(state);
    return Optional.of(lease);
  }

  /** Sets a run's heartbeat {@code seconds} into the database's past. */
  void ageHeartbeat(String runId, int seconds) {
    database.inTransaction(
        c -> {
          try (var update =
              c.prepareStatement(
                  "UPDATE runs SET heartbeat_at = CURRENT_TIMESTAMP - "
                      + "CAST(? AS INTEGER) * INTERVAL '1' SECOND WHERE run_id = ?")) {
            update.setInt(1, seconds);
            update.setString(2, runId);
            return update.executeUpdate();
          }
        });
  }

  Instant databaseNow() {
    return database.inTransaction(
        c -> {
          try (var query = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
              var rs = query.executeQuery()) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
          }
        });
  }

  record Move(String from, String to, String owner, Long epoch, String detail) {}

  static List<Move> moves(List<String> history) {
    List<Move> moves = new ArrayList<>();
    for (String line : history) {
      Matcher m = HISTORY_LINE.matcher(line);
      assertThat(m.matches()).as("history line '%s'", line).isTrue();
      assertThat(Instant.parse(m.group(1))).isNotNull();
      moves.add(
          new Move(
              m.group(2),
              m.group(3),
              m.group(4),
              m.group(5) == null ? null : Long.valueOf(m.group(5)),
              m.group(6)));
    }
    return moves;
  }

  static LakeBatchException userError(Runnable action) {
    return error(ErrorCategory.USER, action);
  }

  static LakeBatchException error(ErrorCategory category, Runnable action) {
    LakeBatchException e = catchThrowableOfType(LakeBatchException.class, action::run);
    assertThat(e).as("expected a LakeBatchException").isNotNull();
    assertThat(e.category()).as(e.getMessage()).isEqualTo(category);
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
    assertThat(run.epoch()).isZero();
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
    assertThat(moves(store.history("r1")))
        .containsExactly(new Move("(new)", "QUEUED", null, null, "registered"));
  }

  @Test
  void registerWithoutARegisteredModelKeepsItsUri() {
    NewRun plain =
        new NewRun(
            "r-uri",
            "adhoc",
            "k",
            SPEC_HASH,
            "spec",
            "s3://bucket/m.onnx",
            Optional.empty(),
            Optional.empty(),
            SHA,
            "/in",
            0,
            "/out",
            "/dl",
            1,
            rows());
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
    take("r1");
    RunRecord moved = store.get("r1");
    clock.advanceSeconds(30);

    RunRecord again = store.register(newRun("r1", "renamed", rows(1, 2, 3, 4, 5)));

    assertThat(again).isEqualTo(moved);
    assertThat(again.name()).isEqualTo("nightly");
    assertThat(again.createdAt()).isEqualTo(first.createdAt());
    assertThat(again.chunksTotal()).isEqualTo(3);
    assertThat(store.chunks("r1"))
        .hasSize(3)
        .extracting(ChunkRecord::plannedRows)
        .containsExactly(100L, 250L, 50L);
    assertThat(store.history("r1")).hasSize(2);
  }

  @Test
  void unknownRunIsAUserError() {
    assertThat(store.find("nope")).isEmpty();
    assertThat(userError(() -> store.get("nope")).getMessage()).contains("'nope'");
    assertThat(userError(() -> take("nope")).getMessage()).contains("'nope'");
    assertThat(userError(() -> store.requestCancel("nope", LIVENESS)).getMessage())
        .contains("'nope'");
    RunLease stray = new RunLease("nope", 1, RunOwner.current());
    assertThat(userError(() -> store.heartbeat(stray, 0)).getMessage()).contains("'nope'");
    assertThat(userError(() -> store.transition(stray, RUNNING, null)).getMessage())
        .contains("'nope'");
  }

  // ---------------------------------------------------------------- transitions

  @Test
  void everyMoveByALeaseFollowsTheStateMachineAndAnIllegalOneChangesNothing() {
    int legal = 0;
    int illegal = 0;
    for (RunState from : EnumSet.complementOf(EnumSet.of(QUEUED))) {
      // one run in `from` takes every illegal move, and must come out of each one unchanged
      String probe = "probe-" + from;
      RunLease probeLease = registerIn(probe, from).orElseThrow();
      RunRecord before = store.get(probe);
      int historyBefore = store.history(probe).size();
      for (RunState to : RunState.values()) {
        if (from.canMoveTo(to) || to == PLANNING) {
          continue;
        }
        LakeBatchException e = userError(() -> store.transition(probeLease, to, "bad"));
        assertThat(e.getMessage()).contains(probe).contains(from.name()).contains(to.name());
        assertThat(store.get(probe)).isEqualTo(before);
        illegal++;
      }
      assertThat(store.history(probe)).hasSize(historyBefore);

      // every legal move, each on a run of its own
      for (RunState to : from.successors()) {
        String runId = "legal-" + from + "-" + to;
        RunLease lease = registerIn(runId, from).orElseThrow();
        RunRecord start = store.get(runId);
        clock.advanceSeconds(1);
        RunRecord moved = store.transition(lease, to, "move");
        assertThat(moved.state()).as("%s -> %s", from, to).isEqualTo(to);
        assertThat(moved.rowVersion()).isEqualTo(start.rowVersion() + 1);
        assertThat(moved.updatedAt()).isEqualTo(clock.instant());
        assertThat(store.get(runId)).isEqualTo(moved);
        List<Move> history = moves(store.history(runId));
        assertThat(history.get(history.size() - 1))
            .isEqualTo(
                new Move(
                    from.name(), to.name(), RunOwner.current().toString(), lease.epoch(), "move"));
        legal++;
      }
    }
    assertThat(legal).isEqualTo(13);
    assertThat(illegal).isEqualTo(23);
  }

  @Test
  void onlyATakeMovesARunToPlanningAndGivingARunBackEndsTheLease() {
    RunLease lease = registerIn("r1", RUNNING).orElseThrow();
    RunRecord running = store.get("r1");
    assertThatThrownBy(() -> store.transition(lease, PLANNING, "again"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("take");
    assertThat(store.get("r1")).isEqualTo(running);

    RunRecord queued = store.transition(lease, QUEUED, "preempted at a chunk boundary");
    assertThat(queued.owner()).isEmpty();
    assertThat(queued.epoch()).isEqualTo(lease.epoch() + 1);
    LakeBatchException fenced = error(ErrorCategory.CONFLICT, () -> store.heartbeat(lease, 1));
    assertThat(fenced.getMessage())
        .contains("epoch " + lease.epoch())
        .contains("no driver (the run is QUEUED)");

    RunLease next = take("r1");
    assertThat(next.epoch()).isEqualTo(lease.epoch() + 2);
    assertThat(moves(store.history("r1")))
        .extracting(Move::to)
        .containsExactly("QUEUED", "PLANNING", "RUNNING", "QUEUED", "PLANNING");
  }

  @Test
  void takesAndMovesSetOwnerEpochAttemptsTimestampsAndErrorSummary() {
    store.register(newRun("r1", "job", rows(10)));
    RunOwner owner =
        new RunOwner(4242, "worker-7", Optional.of(Instant.parse("2026-02-28T23:00:00.123Z")));

    Instant planningAt = clock.advanceSeconds(5);
    RunLease lease = take("r1", owner);
    assertThat(lease).isEqualTo(new RunLease("r1", 1, owner));
    RunRecord planning = store.get("r1");
    assertThat(planning.state()).isEqualTo(PLANNING);
    assertThat(planning.attempts()).isEqualTo(1);
    assertThat(planning.epoch()).isEqualTo(1);
    assertThat(planning.owner()).contains("4242@worker-7#2026-02-28T23:00:00.123Z");
    assertThat(planning.attemptStartedAt()).contains(planningAt);
    assertThat(planning.heartbeatAt()).as("stamped by the database").isPresent();
    assertThat(planning.finishedAt()).isEmpty();

    Instant runningAt = clock.advanceSeconds(5);
    RunRecord running = store.transition(lease, RUNNING, "planned");
    assertThat(running.attempts()).isEqualTo(1);
    assertThat(running.owner()).isEqualTo(planning.owner());
    assertThat(running.attemptStartedAt()).contains(planningAt);
    assertThat(running.updatedAt()).isEqualTo(runningAt);
    assertThat(running.heartbeatAt().orElseThrow())
        .isAfterOrEqualTo(planning.heartbeatAt().orElseThrow());

    store.heartbeat(lease, 77);
    assertThat(store.get("r1").rowsInFlight()).isEqualTo(77);

    Instant failedAt = clock.advanceSeconds(5);
    RunRecord failed = store.transition(lease, FAILED, "model crashed");
    assertThat(failed.finishedAt()).contains(failedAt);
    assertThat(failed.errorSummary()).contains("model crashed");
    assertThat(failed.rowsInFlight()).isZero();
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.epoch()).isEqualTo(1);

    Instant secondStart = clock.advanceSeconds(5);
    RunLease second = take("r1");
    assertThat(second.epoch()).isEqualTo(2);
    RunRecord rerun = store.get("r1");
    assertThat(rerun.state()).isEqualTo(PLANNING);
    assertThat(rerun.attempts()).isEqualTo(2);
    assertThat(rerun.owner()).contains(RunOwner.current().toString());
    assertThat(rerun.attemptStartedAt()).contains(secondStart);
    assertThat(rerun.errorSummary()).isEmpty();
    assertThat(rerun.finishedAt()).isEmpty();
    assertThat(rerun.cancelRequested()).isFalse();

    store.transition(second, RUNNING, null);
    Instant succeededAt = clock.advanceSeconds(5);
    RunRecord succeeded = store.transition(second, SUCCEEDED, "all committed");
    assertThat(succeeded.finishedAt()).contains(succeededAt);
    assertThat(succeeded.errorSummary()).as("SUCCEEDED has no error summary").isEmpty();

    String first = owner.toString();
    String me = RunOwner.current().toString();
    assertThat(moves(store.history("r1")))
        .containsExactly(
            new Move("(new)", "QUEUED", null, null, "registered"),
            new Move("QUEUED", "PLANNING", first, 1L, "attempt 1"),
            new Move("PLANNING", "RUNNING", first, 1L, "planned"),
            new Move("RUNNING", "FAILED", first, 1L, "model crashed"),
            new Move("FAILED", "QUEUED", me, 2L, "rerun after FAILED"),
            new Move("QUEUED", "PLANNING", me, 2L, "attempt 2"),
            new Move("PLANNING", "RUNNING", me, 2L, null),
            new Move("RUNNING", "SUCCEEDED", me, 2L, "all committed"));
    List<String> lines = store.history("r1");
    assertThat(lines.get(0)).startsWith(T0.toString() + " ");
    assertThat(lines.get(7)).startsWith(succeededAt + " ");
  }

  @Test
  void partialAndCancelledKeepTheirSummaryAndLongSummariesAreTruncated() {
    RunLease p = registerIn("p", RUNNING).orElseThrow();
    RunRecord partial = store.transition(p, PARTIAL, "2 of 9 chunks failed");
    assertThat(partial.errorSummary()).contains("2 of 9 chunks failed");
    assertThat(partial.finishedAt()).contains(T0);

    RunLease c = registerIn("c", PLANNING).orElseThrow();
    RunRecord cancelled = store.transition(c, CANCELLED, "user asked");
    assertThat(cancelled.errorSummary()).contains("user asked");
    assertThat(cancelled.finishedAt()).isPresent();

    RunLease longRun = registerIn("long", RUNNING).orElseThrow();
    String huge = "x".repeat(5000);
    RunRecord failed = store.transition(longRun, FAILED, huge);
    assertThat(failed.errorSummary())
        .hasValueSatisfying(
            s -> {
              assertThat(s).hasSize(4000).endsWith("...").startsWith("xxxx");
            });
    assertThat(moves(store.history("long")).get(3).detail()).hasSize(4000);
  }

  // ---------------------------------------------------------------- chunk ledger

  @Test
  void chunkLedgerRecordsStartsCommitsAndFailures() {
    store.register(newRun("r1", "job", rows(100, 200, 300)));
    RunLease lease = take("r1");
    RunRecord taken = store.get("r1");

    clock.advanceSeconds(1);
    store.chunkStarted(lease, 0);
    ChunkRecord started = store.chunks("r1").get(0);
    assertThat(started.state()).isEqualTo(ChunkState.RUNNING);
    assertThat(started.attempts()).isEqualTo(1);
    assertThat(started.updatedAt()).isEqualTo(clock.instant());
    store.chunkStarted(lease, 0);
    assertThat(store.chunks("r1").get(0).attempts()).isEqualTo(2);

    Instant committedAt = clock.advanceSeconds(1);
    store.chunkCommitted(lease, new ChunkCommit(0, 12, 95, 5));
    ChunkRecord committed = store.chunks("r1").get(0);
    assertThat(committed.state()).isEqualTo(ChunkState.COMMITTED);
    assertThat(committed.rowsOut()).contains(95L);
    assertThat(committed.deadLetterRows()).contains(5L);
    assertThat(committed.deltaVersion()).contains(12L);
    assertThat(committed.committedAt()).contains(committedAt);
    assertThat(committed.attempts()).isEqualTo(2);
    assertThat(committed.plannedRows()).isEqualTo(100);

    store.chunkStarted(lease, 1);
    store.chunkFailed(lease, 1, "OrtException: bad input");
    ChunkRecord failedChunk = store.chunks("r1").get(1);
    assertThat(failedChunk.state()).isEqualTo(ChunkState.FAILED);
    assertThat(failedChunk.lastError()).contains("OrtException: bad input");
    assertThat(failedChunk.attempts()).isEqualTo(1);
    assertThat(failedChunk.committedAt()).isEmpty();

    // a retry that commits clears the error
    store.chunkStarted(lease, 1);
    store.chunkCommitted(lease, new ChunkCommit(1, 13, 200, 0));
    ChunkRecord retried = store.chunks("r1").get(1);
    assertThat(retried.state()).isEqualTo(ChunkState.COMMITTED);
    assertThat(retried.lastError()).isEmpty();
    assertThat(retried.attempts()).isEqualTo(2);

    assertThat(store.chunks("r1").get(2).state()).isEqualTo(ChunkState.PENDING);
    // the run record itself is not touched by ledger updates
    assertThat(store.get("r1")).isEqualTo(taken);

    LakeBatchException missing =
        catchThrowableOfType(LakeBatchException.class, () -> store.chunkStarted(lease, 3));
    assertThat(missing).isNotNull();
    assertThat(missing.category()).isEqualTo(ErrorCategory.INTERNAL);
    assertThat(missing.getMessage()).contains("chunk 3").contains("r1");
  }

  @Test
  void reconcileFollowsTheDeltaLogAndIsIdempotent() {
    store.register(newRun("r1", "job", rows(10, 20, 30, 40, 50, 60)));
    RunLease lease = take("r1");
    store.chunkStarted(lease, 0);
    store.chunkCommitted(lease, new ChunkCommit(0, 3, 10, 0)); // agrees with the log
    store.chunkStarted(lease, 1);
    store.chunkCommitted(lease, new ChunkCommit(1, 4, 20, 0)); // the log does not have it
    store.chunkStarted(lease, 2); // RUNNING, but the log has it
    store.chunkStarted(lease, 3);
    store.chunkFailed(lease, 3, "boom"); // FAILED, not in the log
    // chunk 4 is PENDING but the log has it
    store.chunkCommitted(lease, new ChunkCommit(5, 2, 60, 0)); // the log has it at another version
    Instant reconcileAt = clock.advanceSeconds(60);

    List<ChunkCommit> log =
        List.of(
            new ChunkCommit(0, 3, 10, 0),
            new ChunkCommit(2, 8, 29, 1),
            new ChunkCommit(4, 9, 50, 0),
            new ChunkCommit(5, 6, 60, 0));
    int changed = store.reconcile(lease, log);

    // 1 -> PENDING, 2 -> COMMITTED, 3 -> PENDING, 4 -> COMMITTED, 5 re-committed at the log's
    // version
    assertThat(changed).isEqualTo(5);
    List<ChunkRecord> ledger = store.chunks("r1");
    assertThat(ledger)
        .extracting(ChunkRecord::state)
        .containsExactly(
            ChunkState.COMMITTED,
            ChunkState.PENDING,
            ChunkState.COMMITTED,
            ChunkState.PENDING,
            ChunkState.COMMITTED,
            ChunkState.COMMITTED);
    assertThat(ledger)
        .extracting(ChunkRecord::deltaVersion)
        .containsExactly(
            Optional.of(3L),
            Optional.empty(),
            Optional.of(8L),
            Optional.empty(),
            Optional.of(9L),
            Optional.of(6L));
    assertThat(ledger)
        .extracting(ChunkRecord::rowsOut)
        .containsExactly(
            Optional.of(10L),
            Optional.empty(),
            Optional.of(29L),
            Optional.empty(),
            Optional.of(50L),
            Optional.of(60L));
    assertThat(ledger.get(2).deadLetterRows()).contains(1L);
    assertThat(ledger.get(0).committedAt()).contains(T0); // untouched
    assertThat(ledger.get(1).committedAt()).isEmpty();
    assertThat(ledger.get(4).committedAt()).contains(reconcileAt);

    assertThat(store.reconcile(lease, log)).isZero();
    assertThat(store.chunks("r1")).isEqualTo(ledger);

    // an empty log resets every commit
    assertThat(store.reconcile(lease, List.of())).isEqualTo(4);
    assertThat(store.chunks("r1")).extracting(ChunkRecord::state).containsOnly(ChunkState.PENDING);
    assertThat(store.reconcile(lease, List.of())).isZero();
  }

  record LedgerRow(
      int chunk,
      ChunkState state,
      long plannedRows,
      Optional<Long> rowsOut,
      Optional<Long> deadLetterRows,
      Optional<Long> deltaVersion,
      Optional<Instant> committedAt) {
    static LedgerRow of(ChunkRecord c) {
      return new LedgerRow(
          c.chunk(),
          c.state(),
          c.plannedRows(),
          c.rowsOut(),
          c.deadLetterRows(),
          c.deltaVersion(),
          c.committedAt());
    }
  }

  @Test
  void deletedLedgerIsRebuiltExactlyFromPlannedRowsAndTheDeltaLog() {
    List<Long> planned = rows(11, 22, 33, 44, 55);
    store.register(newRun("r1", "job", planned));
    RunLease lease = take("r1");
    List<ChunkCommit> log =
        List.of(
            new ChunkCommit(0, 1, 11, 0),
            new ChunkCommit(2, 2, 30, 3),
            new ChunkCommit(3, 3, 44, 0));
    for (ChunkCommit commit : log) {
      store.chunkCommitted(lease, commit);
    }
    List<LedgerRow> original = store.chunks("r1").stream().map(LedgerRow::of).toList();

    assertThat(store.deleteLedger("r1")).isEqualTo(5);
    assertThat(store.chunks("r1")).isEmpty();
    assertThat(store.deleteLedger("r1")).isZero();
    assertThat(store.restoreLedger(lease, planned)).isEqualTo(5);
    assertThat(store.restoreLedger(lease, planned)).isZero();
    assertThat(store.chunks("r1")).extracting(ChunkRecord::state).containsOnly(ChunkState.PENDING);
    assertThat(store.reconcile(lease, log)).isEqualTo(3);

    assertThat(store.chunks("r1").stream().map(LedgerRow::of).toList()).isEqualTo(original);
    assertThat(store.reconcile(lease, log)).isZero();

    // a partly deleted ledger gets only its missing rows back
    database.inTransaction(
        c -> {
          try (var delete =
              c.prepareStatement("DELETE FROM chunks WHERE run_id = 'r1' AND chunk IN (1, 3)")) {
            return delete.executeUpdate();
          }
        });
    assertThat(store.restoreLedger(lease, planned)).isEqualTo(2);
    assertThat(store.reconcile(lease, log)).isEqualTo(1);
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
    RunLease lease = take("r1");
    store.transition(lease, RUNNING, "planned");
    RunProgress fresh = store.progress("r1");
    assertThat(fresh.rowsPerSecond()).isZero();
    assertThat(fresh.eta()).isEmpty();

    clock.advanceSeconds(10);
    store.chunkStarted(lease, 0);
    store.chunkCommitted(lease, new ChunkCommit(0, 1, 100, 0));
    RunProgress one = store.progress("r1");
    assertThat(one.rowsDone()).isEqualTo(100);
    assertThat(one.chunksDone()).isEqualTo(1);
    assertThat(one.rowsPerSecond()).isCloseTo(10.0, within(1e-9)); // 100 rows in 10 s
    assertThat(one.eta()).contains(Duration.ofSeconds(30)); // 300 rows at 10 rows/s
    assertThat(one.elapsed()).isEqualTo(Duration.ofSeconds(10));

    store.heartbeat(lease, 50); // chunk 1 half scored
    RunProgress inFlight = store.progress("r1");
    assertThat(inFlight.rowsDone()).isEqualTo(150);
    assertThat(inFlight.chunksDone()).isEqualTo(1);
    assertThat(inFlight.rowsPerSecond()).isCloseTo(15.0, within(1e-9));
    assertThat(inFlight.eta()).contains(Duration.ofSeconds(17)); // 250 / 15 = 16.67
    assertThat(inFlight.render())
        .isEqualTo("RUNNING 1/4 chunks | 150/400 rows (38%) | 15 rows/s | ETA 0:00:17");

    clock.advanceSeconds(5);
    store.chunkCommitted(lease, new ChunkCommit(1, 2, 100, 0));
    store.heartbeat(lease, 0);
    store.chunkFailed(lease, 2, "bad rows");
    RunProgress two = store.progress("r1");
    assertThat(two.rowsDone()).isEqualTo(200);
    assertThat(two.chunksDone()).isEqualTo(2);
    assertThat(two.chunksFailed()).isEqualTo(1);
    assertThat(two.rowsPerSecond()).isCloseTo(200 / 15.0, within(1e-9));
    assertThat(two.eta()).contains(Duration.ofSeconds(15)); // 200 rows at 13.33 rows/s
    assertThat(two.elapsed()).isEqualTo(Duration.ofSeconds(15));

    Instant finished = clock.advanceSeconds(5);
    store.transition(lease, PARTIAL, "chunk 2 failed");
    clock.advanceSeconds(1000);
    RunProgress partial = store.progress("r1");
    assertThat(partial.eta()).contains(Duration.ZERO);
    assertThat(partial.elapsed()).isEqualTo(Duration.between(start, finished));
    assertThat(partial.rowsPerSecond()).isCloseTo(10.0, within(1e-9)); // 200 rows in 20 s
    assertThat(partial.rowsDone()).isEqualTo(200);

    // a rerun: old commits count as done, but not towards the new attempt's rate
    RunLease rerunLease = take("r1");
    store.transition(rerunLease, RUNNING, "planned");
    clock.advanceSeconds(10);
    RunProgress rerun = store.progress("r1");
    assertThat(rerun.rowsDone()).isEqualTo(200);
    assertThat(rerun.rowsPerSecond()).isZero();
    assertThat(rerun.eta()).isEmpty();
    assertThat(rerun.elapsed()).isEqualTo(Duration.ofSeconds(10));
    clock.advanceSeconds(10);
    store.chunkCommitted(rerunLease, new ChunkCommit(2, 3, 100, 0));
    RunProgress rerunOne = store.progress("r1");
    assertThat(rerunOne.rowsDone()).isEqualTo(300);
    assertThat(rerunOne.rowsPerSecond()).isCloseTo(5.0, within(1e-9)); // 100 rows in 20 s
    assertThat(rerunOne.eta()).contains(Duration.ofSeconds(20));
  }

  @Test
  @Timeout(30)
  void heartbeatAndLogPathAreStoredAndTheHeartbeatIsTheDatabasesTime() {
    store.register(newRun("r1", "job", rows(10)));
    RunLease lease = take("r1");
    RunRecord taken = store.get("r1");
    store.setLogPath(lease, "/var/log/lakebatch/r1.log");
    ageHeartbeat("r1", 30);
    clock.advanceSeconds(3600);
    store.heartbeat(lease, 9);
    RunRecord run = store.get("r1");
    assertThat(run.logPath()).contains("/var/log/lakebatch/r1.log");
    Instant databaseNow = databaseNow();
    assertThat(run.heartbeatAt().orElseThrow())
        .isAfterOrEqualTo(taken.heartbeatAt().orElseThrow())
        .isBetween(databaseNow.minusSeconds(10), databaseNow);
    assertThat(run.rowsInFlight()).isEqualTo(9);
    assertThat(run.rowVersion()).isEqualTo(taken.rowVersion());
  }

  // ---------------------------------------------------------------- list

  private void registerFiveRuns() {
    String[] names = {"nightly-eta", "nightly-fraud", "weekly-eta", "adhoc", "eta-backfill"};
    for (int i = 0; i < names.length; i++) {
      clock.advanceSeconds(1);
      store.register(newRun("r" + (i + 1), names[i], rows(1)));
    }
    store.requestCancel("r2", LIVENESS);
    take("r4");
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
    assertThat(ids(store.list(new RunFilter(Optional.of(CANCELLED), Optional.empty(), 20))))
        .containsExactly("r2");
    assertThat(ids(store.list(new RunFilter(Optional.of(SUCCEEDED), Optional.empty(), 20))))
        .isEmpty();
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("eta"), 20))))
        .containsExactly("r5", "r3", "r1");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("nightly"), 20))))
        .containsExactly("r2", "r1");
    assertThat(ids(store.list(new RunFilter(Optional.of(QUEUED), Optional.of("nightly"), 20))))
        .containsExactly("r1");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("eta"), 2))))
        .containsExactly("r5", "r3");
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.empty(), 1))))
        .containsExactly("r5");
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
    assertThat(recent)
        .hasSize(RunFilter.DEFAULT_LIMIT)
        .startsWith("run-24", "run-23")
        .endsWith("run-05");
  }

  @Test
  void nameFilterIsALiteralSubstring() {
    registerFiveRuns();
    // "y_e" is not in any name, but LIKE '%y_e%' matches nightly-eta and weekly-eta
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("y_e"), 20)))).isEmpty();
    assertThat(ids(store.list(new RunFilter(Optional.empty(), Optional.of("%"), 20)))).isEmpty();
  }

  // ---------------------------------------------------------------- cancel

  /** An owner on this host whose process has exited. */
  static RunOwner exitedProcess() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(gone.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    return new RunOwner(gone.pid(), RunOwner.current().host(), Optional.empty());
  }

  @Test
  void cancellingAQueuedRunCancelsItAtOnce() {
    store.register(newRun("r1", "job", rows(10)));
    clock.advanceSeconds(2);
    RunRecord cancelled = store.requestCancel("r1", LIVENESS);
    assertThat(cancelled.state()).isEqualTo(CANCELLED);
    assertThat(cancelled.finishedAt()).contains(T0.plusSeconds(2));
    assertThat(cancelled.epoch()).isEqualTo(1);
    assertThat(store.get("r1")).isEqualTo(cancelled);
    assertThat(moves(store.history("r1")))
        .containsExactly(
            new Move("(new)", "QUEUED", null, null, "registered"),
            new Move("QUEUED", "CANCELLED", null, 1L, "cancelled before it started"));
  }

  @Test
  void cancellingARunOwnedByThisLiveProcessOnlyRequestsIt() {
    RunLease lease = registerIn("r1", RUNNING).orElseThrow();
    RunRecord requested = store.requestCancel("r1", LIVENESS);
    assertThat(requested.state()).isEqualTo(RUNNING);
    assertThat(requested.cancelRequested()).isTrue();
    assertThat(requested.owner()).contains(RunOwner.current().toString());
    assertThat(requested.epoch()).isEqualTo(lease.epoch());
    assertThat(store.get("r1").cancelRequested()).isTrue();
    assertThat(store.history("r1")).hasSize(3);

    // asking twice is harmless
    assertThat(store.requestCancel("r1", LIVENESS).state()).isEqualTo(RUNNING);

    // the driver honours it; a later rerun starts with a clean flag
    store.transition(lease, CANCELLED, "cancel requested");
    take("r1");
    assertThat(store.get("r1").cancelRequested()).isFalse();
  }

  @Test
  void cancellingARunWhoseLocalDriverDiedCancelsItAndFencesThatDriver() throws Exception {
    RunOwner dead = exitedProcess();
    store.register(newRun("r1", "job", rows(10)));
    RunLease lease = take("r1", dead);
    store.transition(lease, RUNNING, "planned");
    clock.advanceSeconds(1);

    RunRecord cancelled = store.requestCancel("r1", LIVENESS);
    assertThat(cancelled.state()).isEqualTo(CANCELLED);
    assertThat(cancelled.errorSummary())
        .hasValueSatisfying(s -> assertThat(s).contains(dead.toString()).contains("has exited"));
    assertThat(cancelled.finishedAt()).contains(clock.instant());
    assertThat(cancelled.owner()).isEmpty();
    assertThat(cancelled.epoch()).isEqualTo(lease.epoch() + 1);

    LakeBatchException fenced = error(ErrorCategory.CONFLICT, () -> store.chunkStarted(lease, 0));
    assertThat(fenced.getMessage()).contains("no driver (the run is CANCELLED)");
    assertThat(store.get("r1")).isEqualTo(cancelled);
    assertThat(store.chunks("r1").get(0).state()).isEqualTo(ChunkState.PENDING);
  }

  @Test
  @Timeout(30)
  void cancellingARunOnAnotherHostDependsOnItsHeartbeatByTheDatabaseClock() {
    RunOwner remote = new RunOwner(12345, "some-other-host.invalid", Optional.empty());
    store.register(newRun("r1", "job", rows(10)));
    RunLease lease = take("r1", remote);
    store.transition(lease, RUNNING, "planned");

    ageHeartbeat("r1", 1);
    clock.advance(Duration.ofHours(2)); // this host's clock plays no part
    RunRecord fresh = store.requestCancel("r1", LIVENESS);
    assertThat(fresh.state()).isEqualTo(RUNNING);
    assertThat(fresh.cancelRequested()).isTrue();

    ageHeartbeat("r1", (int) LIVENESS.toSeconds() + 1);
    clock.set(T0.minus(Duration.ofHours(2)));
    RunRecord stale = store.requestCancel("r1", LIVENESS);
    assertThat(stale.state()).isEqualTo(CANCELLED);
    assertThat(stale.errorSummary())
        .hasValueSatisfying(s -> assertThat(s).contains("heartbeat 6 s old"));
  }

  @Test
  void cancellingAPlanningRunWhoseLocalDriverDiedCancelsIt() throws Exception {
    RunOwner dead = exitedProcess();
    store.register(newRun("r1", "job", rows(10)));
    take("r1", dead);

    RunRecord cancelled = store.requestCancel("r1", LIVENESS);
    assertThat(cancelled.state()).isEqualTo(CANCELLED);
  }

  @Test
  void cancellingAPlanningRunOwnedByThisLiveProcessOnlyRequestsIt() {
    registerIn("r1", PLANNING);
    RunRecord requested = store.requestCancel("r1", LIVENESS);
    assertThat(requested.state()).isEqualTo(PLANNING);
    assertThat(requested.cancelRequested()).isTrue();
  }

  @Test
  void cancellingAFinishedRunThrowsAndChangesNothing() {
    for (RunState terminal : List.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED)) {
      String runId = "done-" + terminal;
      registerIn(runId, terminal);
      RunRecord done = store.get(runId);
      LakeBatchException e = userError(() -> store.requestCancel(runId, LIVENESS));
      assertThat(e.getMessage()).contains(terminal.name()).contains("CANCELLED");
      assertThat(store.get(runId)).isEqualTo(done);
    }
  }

  // ---------------------------------------------------------------- fencing

  @Test
  @Timeout(30)
  void twoTakersJudgingADeadDriverFromTheSameReadTakeTheRunOnce() throws Exception {
    RunOwner dead = exitedProcess();
    store.register(newRun("r1", "job", rows(10, 20)));
    RunLease first = take("r1", dead);
    RunRecord running = store.transition(first, RUNNING, "planned");
    RunOwner a = new RunOwner(7001, "host-a.invalid", Optional.empty());
    RunOwner b = new RunOwner(7002, "host-b.invalid", Optional.empty());
    AtomicReference<RunLease> bLease = new AtomicReference<>();
    AtomicBoolean held = new AtomicBoolean();

    // A has read the run and judged its driver dead; B takes the whole run before A's swap
    LakeBatchException busy =
        userError(
            () ->
                store.take(
                    "r1",
                    a,
                    LIVENESS,
                    () -> {
                      if (!held.getAndSet(true)) {
                        bLease.set(take("r1", b));
                      }
                    }));

    assertThat(busy.getMessage()).contains("r1").contains("PLANNING").contains(b.toString());
    assertThat(bLease.get()).isEqualTo(new RunLease("r1", 2, b));
    RunRecord run = store.get("r1");
    assertThat(run.state()).isEqualTo(PLANNING);
    assertThat(run.owner()).contains(b.toString());
    assertThat(run.epoch()).isEqualTo(2);
    assertThat(run.attempts()).isEqualTo(running.attempts() + 1);
    assertThat(run.rowVersion()).isEqualTo(running.rowVersion() + 1);
    List<Move> history = moves(store.history("r1"));
    assertOneChainOfOwners(history);
    assertThat(history).hasSize(5);
    assertThat(history.subList(3, 5))
        .containsExactly(
            new Move(
                "RUNNING",
                "QUEUED",
                b.toString(),
                2L,
                "driver " + dead + " is gone (process " + dead.pid() + " has exited); resuming"),
            new Move("QUEUED", "PLANNING", b.toString(), 2L, "attempt 2"));
  }

  @Test
  @Timeout(30)
  void aDriverThatWakesUpAfterATakeoverChangesNothing() {
    store.register(newRun("r1", "job", rows(10, 20)));
    RunOwner paused = new RunOwner(7001, "host-a.invalid", Optional.empty());
    RunLease zombie = take("r1", paused);
    store.transition(zombie, RUNNING, "planned");
    store.chunkStarted(zombie, 0);
    ageHeartbeat("r1", (int) LIVENESS.toSeconds() + 1);
    RunLease successor = take("r1");
    assertThat(successor.epoch()).isEqualTo(zombie.epoch() + 1);

    RunRecord run = store.get("r1");
    List<ChunkRecord> ledger = store.chunks("r1");
    List<String> history = store.history("r1");
    Map<String, Runnable> writes = new LinkedHashMap<>();
    writes.put("heartbeat", () -> store.heartbeat(zombie, 5));
    writes.put("chunkStarted", () -> store.chunkStarted(zombie, 1));
    writes.put("chunkCommitted", () -> store.chunkCommitted(zombie, new ChunkCommit(0, 9, 10, 0)));
    writes.put("chunkFailed", () -> store.chunkFailed(zombie, 1, "late"));
    writes.put("reconcile", () -> store.reconcile(zombie, List.of(new ChunkCommit(1, 4, 20, 0))));
    writes.put("restoreLedger", () -> store.restoreLedger(zombie, rows(10, 20, 30)));
    writes.put("setLogPath", () -> store.setLogPath(zombie, "/tmp/zombie.log"));
    writes.put("checkLease", () -> store.checkLease(zombie));
    for (RunState end : List.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED, QUEUED, RUNNING)) {
      writes.put("transition to " + end, () -> store.transition(zombie, end, "late"));
    }
    writes.forEach(
        (name, write) -> {
          LakeBatchException e = error(ErrorCategory.CONFLICT, write);
          assertThat(e.getMessage())
              .as(name)
              .contains("epoch " + zombie.epoch())
              .contains("epoch " + successor.epoch())
              .contains(RunOwner.current().toString());
          assertThat(store.get("r1")).as(name).isEqualTo(run);
          assertThat(store.chunks("r1")).as(name).isEqualTo(ledger);
          assertThat(store.history("r1")).as(name).isEqualTo(history);
        });

    store.checkLease(successor);
    store.heartbeat(successor, 3);
    store.chunkCommitted(successor, new ChunkCommit(0, 9, 10, 0));
    assertThat(store.transition(successor, RUNNING, "planned").state()).isEqualTo(RUNNING);
  }

  @ParameterizedTest
  @ValueSource(longs = {3600, -3600})
  @Timeout(30)
  void livenessIsJudgedByTheDatabaseClockWhateverThisHostsClockSays(long skewSeconds) {
    RunStore skewed =
        newStore(database, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(skewSeconds)));
    store.register(newRun("r1", "job", rows(10)));
    RunOwner remote = new RunOwner(7001, "host-a.invalid", Optional.empty());
    RunLease lease = skewed.take("r1", remote, LIVENESS, () -> {});
    skewed.transition(lease, RUNNING, "planned");
    skewed.heartbeat(lease, 0);

    LakeBatchException busy =
        userError(() -> skewed.take("r1", RunOwner.current(), LIVENESS, () -> {}));
    assertThat(busy.getMessage()).contains(remote.toString()).contains("RUNNING");

    ageHeartbeat("r1", (int) LIVENESS.toSeconds() + 1);
    RunLease taken = skewed.take("r1", RunOwner.current(), LIVENESS, () -> {});
    assertThat(taken.epoch()).isEqualTo(2);
    List<Move> history = moves(skewed.history("r1"));
    assertThat(history.get(history.size() - 2).detail()).contains("heartbeat 6 s old");
  }

  @Test
  @Timeout(30)
  void aReusedPidIsAnotherProcessAndItsRunCanBeTaken() {
    RunOwner me = RunOwner.current();
    assertThat(me.startedAt()).as("this OS reports process start times").isPresent();
    RunOwner reused =
        new RunOwner(
            me.pid(), me.host(), Optional.of(me.startedAt().get().minus(Duration.ofHours(1))));
    store.register(newRun("r1", "job", rows(10)));
    RunLease old = take("r1", reused);
    store.transition(old, RUNNING, "planned");
    store.heartbeat(old, 0);

    RunLease lease = take("r1");

    assertThat(lease.epoch()).isEqualTo(2);
    List<Move> history = moves(store.history("r1"));
    assertThat(history.get(history.size() - 2).detail())
        .contains("pid " + me.pid() + " now belongs to a process");
  }

  @Test
  @Timeout(30)
  void aStoppedDriverOnThisHostIsGoneOnceItsHeartbeatIsOld() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      RunOwner stopped = RunOwner.of(sleeper.toHandle());
      Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(sleeper.pid())).start();
      assertThat(stop.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sleeper.isAlive()).isTrue();
      store.register(newRun("r1", "job", rows(10)));
      store.transition(take("r1", stopped), RUNNING, "planned");

      LakeBatchException busy = userError(() -> take("r1"));
      assertThat(busy.getMessage()).contains(stopped.toString());

      ageHeartbeat("r1", (int) LIVENESS.toSeconds() + 1);
      RunLease lease = take("r1");
      assertThat(lease.epoch()).isEqualTo(2);
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  @Timeout(30)
  void theHistoryIsOneChainOfOwnersWithIncreasingEpochs() {
    store.register(newRun("r1", "job", rows(10)));
    List<RunOwner> drivers =
        List.of(
            new RunOwner(7001, "host-a.invalid", Optional.empty()),
            new RunOwner(7002, "host-b.invalid", Optional.empty()),
            RunOwner.current());
    RunLease lease = null;
    for (RunOwner driver : drivers) {
      if (lease != null) {
        ageHeartbeat("r1", (int) LIVENESS.toSeconds() + 1);
      }
      lease = take("r1", driver);
      store.transition(lease, RUNNING, "planned");
    }
    store.transition(lease, SUCCEEDED, "all committed");

    List<Move> history = moves(store.history("r1"));
    assertOneChainOfOwners(history);
    assertThat(history)
        .extracting(Move::epoch)
        .containsExactly(null, 1L, 1L, 2L, 2L, 2L, 3L, 3L, 3L, 3L);
    assertThat(history.stream().map(Move::owner).filter(o -> o != null).distinct().toList())
        .containsExactly(drivers.stream().map(RunOwner::toString).toArray(String[]::new));
    assertThat(store.get("r1").epoch()).isEqualTo(3);
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
        RunOwner owner = new RunOwner(1000 + t, "racer.invalid", Optional.empty());
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return take("r1", owner);
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
        if (outcome instanceof RunLease lease) {
          won++;
          winner = lease.owner().toString();
          assertThat(lease.epoch()).isEqualTo(1);
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
      assertThat(run.epoch()).isEqualTo(1);
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
    RunLease lease = take("r1");
    store.transition(lease, RUNNING, "planned");
    clock.advanceSeconds(10);

    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Integer> work =
            () -> {
              start.await();
              int done = 0;
              for (int chunk = thread; chunk < chunks; chunk += threads) {
                store.chunkStarted(lease, chunk);
                store.chunkCommitted(
                    lease, new ChunkCommit(chunk, 100 + chunk, planned.get(chunk), 0));
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
    assertThat(ledger)
        .hasSize(chunks)
        .allSatisfy(
            c -> {
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

  /**
   * Two driver processes read the same run, both judge its driver dead, and are held at the swap by
   * the take's hook until both are there: exactly one takes the run, the other is told it is busy.
   */
  @Test
  @Timeout(120)
  void twoProcessesJudgingADeadDriverFromTheSameReadTakeTheRunOnce() throws Exception {
    String runId = "shared-run";
    List<Long> planned = IntStream.range(0, CROSS_CHUNKS).mapToObj(i -> 1000L + i).toList();
    RunStore real = newStore(CatalogDatabase.open(config), java.time.Clock.systemUTC());
    real.register(newRun(runId, "cross-process", planned));
    RunOwner dead = exitedProcess();
    RunLease deadLease = real.take(runId, dead, LIVENESS, () -> {});
    real.transition(deadLease, RUNNING, "planned");

    List<Worker> workers = new ArrayList<>();
    try {
      for (int w = 0; w < 2; w++) {
        workers.add(Worker.start(config, runId, w));
      }
      for (Worker worker : workers) {
        worker.awaitLine("JUDGED", 60);
      }
      for (Worker worker : workers) {
        worker.send("SWAP");
      }
      for (Worker worker : workers) {
        worker.awaitExit(90);
      }
    } finally {
      workers.forEach(Worker::kill);
    }

    List<Integer> exits = workers.stream().map(Worker::exitCode).sorted().toList();
    assertThat(exits)
        .as(describe(workers))
        .containsExactly(RunStoreWorker.EXIT_WON, RunStoreWorker.EXIT_LOST);
    Worker winner =
        workers.stream()
            .filter(w -> w.exitCode() == RunStoreWorker.EXIT_WON)
            .findFirst()
            .orElseThrow();
    String winnerOwner =
        winner.lines().stream()
            .filter(l -> l.startsWith("TAKE WON "))
            .findFirst()
            .orElseThrow()
            .substring("TAKE WON ".length());

    List<ChunkRecord> ledger = real.chunks(runId);
    assertThat(ledger)
        .hasSize(CROSS_CHUNKS)
        .allSatisfy(
            c -> {
              assertThat(c.state()).isEqualTo(ChunkState.COMMITTED);
              assertThat(c.rowsOut()).contains(planned.get(c.chunk()));
              assertThat(c.deltaVersion()).contains(RunStoreWorker.deltaVersion(c.chunk()));
              assertThat(c.attempts()).isEqualTo(1);
            });
    RunRecord run = real.get(runId);
    assertThat(run.state()).isEqualTo(SUCCEEDED);
    assertThat(run.epoch()).isEqualTo(2);
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(run.owner()).contains(winnerOwner);

    List<Move> history = moves(real.history(runId));
    assertOneChainOfOwners(history);
    assertThat(history)
        .extracting(Move::owner)
        .containsExactly(
            null,
            dead.toString(),
            dead.toString(),
            winnerOwner,
            winnerOwner,
            winnerOwner,
            winnerOwner);
    assertThat(history.get(3).detail())
        .startsWith("driver " + dead + " is gone (process " + dead.pid());
  }

  /**
   * The history is one legal chain: every move starts where the previous one ended, epochs never go
   * down, and each epoch has one owner.
   */
  static void assertOneChainOfOwners(List<Move> history) {
    assertThat(history.get(0)).isEqualTo(new Move("(new)", "QUEUED", null, null, "registered"));
    Map<Long, String> ownerOfEpoch = new HashMap<>();
    long epoch = 0;
    for (int i = 1; i < history.size(); i++) {
      Move move = history.get(i);
      RunState from = RunState.valueOf(move.from());
      RunState to = RunState.valueOf(move.to());
      assertThat(from)
          .as("move %d starts where move %d ended: %s", i, i - 1, history)
          .isEqualTo(RunState.valueOf(history.get(i - 1).to()));
      assertThat(from.canMoveTo(to)).as("move %d %s -> %s", i, from, to).isTrue();
      assertThat(move.epoch())
          .as("move %d: %s", i, history)
          .isNotNull()
          .isGreaterThanOrEqualTo(epoch);
      epoch = move.epoch();
      if (move.owner() != null) {
        String first = ownerOfEpoch.putIfAbsent(epoch, move.owner());
        assertThat(first == null ? move.owner() : first)
            .as("one owner of epoch %d: %s", epoch, history)
            .isEqualTo(move.owner());
      }
    }
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
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    queue.add(line);
                  }
                } catch (IOException e) {
                  lines.add("(stdout read failed: " + e + ")");
                }
              },
              "worker-" + index + "-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Worker start(CatalogConfig config, String runId, int index) throws IOException {
      return start(
          index,
          RunStoreWorker.class,
          List.of(config.url(), config.user(), config.password(), runId));
    }

    /** Starts {@code main} in a child JVM on this JVM's (test) class path. */
    static Worker start(int index, Class<?> main, List<String> args) throws IOException {
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Path stderr = Files.createTempFile(main.getSimpleName() + "-" + index + "-", ".err");
      List<String> command =
          new ArrayList<>(
              List.of(
                  java.toString(),
                  "-Xmx128m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  classpath,
                  main.getName()));
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
      return "worker "
          + index
          + " (exit "
          + exit
          + ")\n  stdout: "
          + lines()
          + "\n  stderr: "
          + (err.length() > 4000 ? err.substring(0, 4000) + "..." : err);
    }
  }
}
