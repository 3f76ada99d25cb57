package io.lakebatch.catalog.store;

import static io.lakebatch.catalog.jobs.JobState.CANCELLED;
import static io.lakebatch.catalog.jobs.JobState.FAILED;
import static io.lakebatch.catalog.jobs.JobState.QUEUED;
import static io.lakebatch.catalog.jobs.JobState.RUNNING;
import static io.lakebatch.catalog.jobs.JobState.SUCCEEDED;
import static io.lakebatch.catalog.store.RunStoreContractTest.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.jobs.JobFilter;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.Leadership;
import io.lakebatch.catalog.jobs.NewJob;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.jobs.Submission;
import io.lakebatch.catalog.spec.ExecutionMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every catalog database must give {@link JobStore}: run by {@link H2JobStoreTest}
 * against the embedded default and by {@link PostgresJobStoreTest} against a real PostgreSQL.
 */
@Timeout(60)
abstract class JobStoreContractTest {

  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final String BODY = "ab".repeat(32);
  static final String OTHER_BODY = "cd".repeat(32);
  static final Duration LEASE = Duration.ofSeconds(60);
  static final int RACERS = 8;

  /** A database no other test uses: a fresh one per call. */
  protected abstract CatalogConfig config();

  protected MutableClock clock;
  protected CatalogDatabase database;
  protected JobStore store;

  @BeforeEach
  void openStore() {
    clock = new MutableClock(T0);
    database = CatalogDatabase.open(config());
    store = new JdbcJobStore(database, clock);
  }

  @AfterEach
  void closeStore() {
    database.close();
  }

  // ---------------------------------------------------------------- helpers

  static NewJob newJob(String tenant, String name, Optional<String> key, String body) {
    return new NewJob(
        tenant,
        name,
        key,
        body,
        "name: " + name + "\n",
        "normal",
        4,
        ExecutionMode.SHARED,
        List.of());
  }

  ServerJob submit(String name) {
    return store.submit(newJob("acme", name, Optional.empty(), BODY)).job();
  }

  /**
   * Claims {@code id} as server {@code owner} in the leader's role: it takes the leader lease over
   * first when another server holds it, as a standby does once the leader's lease lapsed.
   */
  boolean claim(String id, String owner) {
    Leadership now = store.lead(owner, LEASE);
    if (!now.ledBy(owner)) {
      store.resign(now.leader().orElseThrow());
      now = store.lead(owner, LEASE);
    }
    return store.claim(id, owner, now.epoch());
  }

  /** A submitted job, claimed by {@code owner}. */
  ServerJob running(String name, String owner) {
    ServerJob job = submit(name);
    assertThat(claim(job.id(), owner)).isTrue();
    return store.get(job.id()).orElseThrow();
  }

  /** A submitted job driven into {@code state} by server {@code s1}. */
  ServerJob inState(String name, JobState state) {
    ServerJob job = submit(name);
    if (state == QUEUED) {
      return job;
    }
    if (state == JobState.UPSTREAM_FAILED) {
      assertThat(store.endQueued(job.id(), state, "upstream failed")).isTrue();
      return store.get(job.id()).orElseThrow();
    }
    assertThat(claim(job.id(), "s1")).isTrue();
    if (state != RUNNING) {
      assertThat(store.finish(job.id(), "s1", state, Optional.of("ended " + state))).isTrue();
    }
    return store.get(job.id()).orElseThrow();
  }

  /** Sets a job's lease {@code seconds} into the database's past. */
  void ageLease(String id, int seconds) {
    database.inTransaction(
        c -> {
          try (var update =
              c.prepareStatement(
                  "UPDATE server_jobs SET lease_at = CURRENT_TIMESTAMP - "
                      + "CAST(? AS INTEGER) * INTERVAL '1' SECOND WHERE id = ?")) {
            update.setInt(1, seconds);
            update.setString(2, id);
            return update.executeUpdate();
          }
        });
  }

  /** Runs {@code task} on {@link #RACERS} threads released together; returns their results. */
  static <T> List<T> race(Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  static List<String> ids(List<ServerJob> jobs) {
    return jobs.stream().map(ServerJob::id).toList();
  }

  static LakeBatchException conflict(Runnable action) {
    return error(ErrorCategory.CONFLICT, action);
  }

  // ---------------------------------------------------------------- submit

  @Test
  void submitStoresAQueuedJob() {
    NewJob job =
        new NewJob(
            "acme",
            "nightly-eta",
            Optional.of("k-1"),
            BODY,
            "name: x\n",
            "high",
            12,
            ExecutionMode.ISOLATED,
            List.of("features-daily", "job-00000000000000aa"));
    Submission submission = store.submit(job);

    assertThat(submission.created()).isTrue();
    ServerJob stored = submission.job();
    assertThat(stored.id()).matches("job-[0-9a-f]{16}");
    assertThat(stored.sequence()).isPositive();
    assertThat(stored.tenant()).isEqualTo("acme");
    assertThat(stored.name()).isEqualTo("nightly-eta");
    assertThat(stored.idempotencyKey()).contains("k-1");
    assertThat(stored.bodySha256()).isEqualTo(BODY);
    assertThat(stored.executionMode()).isEqualTo(ExecutionMode.ISOLATED);
    assertThat(stored.specText()).isEqualTo("name: x\n");
    assertThat(stored.priority()).isEqualTo("high");
    assertThat(stored.cores()).isEqualTo(12);
    assertThat(stored.state()).isEqualTo(QUEUED);
    assertThat(stored.runId()).isEmpty();
    assertThat(stored.owner()).isEmpty();
    assertThat(stored.attempts()).isZero();
    assertThat(stored.cancelRequested()).isFalse();
    assertThat(stored.message()).isEmpty();
    assertThat(stored.submittedAt()).isEqualTo(T0);
    assertThat(stored.startedAt()).isEmpty();
    assertThat(stored.endedAt()).isEmpty();
    assertThat(stored.dependsOn()).containsExactly("features-daily", "job-00000000000000aa");
    assertThat(stored.preemptions()).isZero();
    assertThat(store.get(stored.id())).contains(stored);
    assertThat(store.get("job-0000000000000000")).isEmpty();
    assertThat(store.byIdempotencyKey("acme", "k-1")).contains(stored);
    assertThat(store.byIdempotencyKey("other-tenant", "k-1")).isEmpty();
    assertThat(submit("no-upstream").dependsOn()).isEmpty();
  }

  @Test
  void submissionsWithoutAKeyAreAlwaysNewJobsInIncreasingSequence() {
    ServerJob first = submit("same");
    ServerJob second = submit("same");

    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.sequence()).isGreaterThan(first.sequence());
    assertThat(store.list(JobFilter.all(10))).hasSize(2);
  }

  @Test
  void theSameKeyAndBodyReturnTheTenantsEarlierJob() {
    Submission first = store.submit(newJob("acme", "a", Optional.of("k"), BODY));
    assertThat(claim(first.job().id(), "s1")).isTrue();
    ServerJob moved = store.get(first.job().id()).orElseThrow();

    Submission again = store.submit(newJob("acme", "a", Optional.of("k"), BODY));
    assertThat(again.created()).isFalse();
    assertThat(again.job()).isEqualTo(moved);

    Submission otherTenant = store.submit(newJob("globex", "a", Optional.of("k"), BODY));
    assertThat(otherTenant.created()).isTrue();
    assertThat(otherTenant.job().id()).isNotEqualTo(first.job().id());
    assertThat(store.list(JobFilter.all(10))).hasSize(2);
  }

  @Test
  void theSameKeyWithAnotherBodyIsAConflict() {
    ServerJob first = store.submit(newJob("acme", "a", Optional.of("k"), BODY)).job();

    LakeBatchException e =
        conflict(() -> store.submit(newJob("acme", "a", Optional.of("k"), OTHER_BODY)));

    assertThat(e.getMessage()).contains("'k'").contains(first.id());
    assertThat(ids(store.list(JobFilter.all(10)))).containsExactly(first.id());
  }

  @Test
  void concurrentSubmissionsWithTheSameKeyAndBodyMakeOneJob() throws Exception {
    for (int round = 0; round < 3; round++) {
      NewJob job = newJob("acme", "racy", Optional.of("key-" + round), BODY);

      List<Submission> submissions = race(() -> store.submit(job));

      assertThat(submissions.stream().map(s -> s.job().id()).distinct()).hasSize(1);
      assertThat(submissions).filteredOn(Submission::created).hasSize(1);
    }
    assertThat(store.list(JobFilter.all(100))).hasSize(3);
  }

  @Test
  void concurrentSubmissionsWithTheSameKeyAndOtherBodiesMakeOneJobAndConflicts() throws Exception {
    AtomicInteger racer = new AtomicInteger();
    List<Object> outcomes =
        race(
            () -> {
              try {
                String body = racer.getAndIncrement() % 2 == 0 ? BODY : OTHER_BODY;
                return store.submit(newJob("acme", "racy", Optional.of("k"), body)).job().id();
              } catch (LakeBatchException e) {
                return e.category();
              }
            });

    List<ServerJob> stored = store.list(JobFilter.all(100));
    assertThat(stored).hasSize(1);
    assertThat(outcomes).containsOnly(stored.get(0).id(), ErrorCategory.CONFLICT);
  }

  // ---------------------------------------------------------------- claim and the holder's writes

  @Test
  void claimStartsAQueuedJobOnce() {
    ServerJob job = submit("a");
    Instant startedAt = clock.advanceSeconds(30);

    assertThat(claim(job.id(), "s1")).isTrue();

    ServerJob started = store.get(job.id()).orElseThrow();
    assertThat(started.state()).isEqualTo(RUNNING);
    assertThat(started.owner()).contains("s1");
    assertThat(started.attempts()).isEqualTo(1);
    assertThat(started.startedAt()).contains(startedAt);
    assertThat(started.submittedAt()).isEqualTo(T0);
    assertThat(started.endedAt()).isEmpty();
    assertThat(claim(job.id(), "s2")).isFalse();
    assertThat(claim(job.id(), "s1")).isFalse();
    assertThat(store.get(job.id())).contains(started);
    assertThat(claim("job-unknown", "s1")).isFalse();
  }

  @Test
  void concurrentClaimsStartAJobExactlyOnce() throws Exception {
    for (int round = 0; round < 3; round++) {
      ServerJob job = submit("racy-" + round);

      store.lead("nobody", LEASE).leader().ifPresent(store::resign);
      // each racer does what a dispatcher does: take the lease if free, claim if it leads
      List<String> winners =
          race(
              () -> {
                String owner = "server-" + Thread.currentThread().getId();
                Leadership now = store.lead(owner, LEASE);
                return now.ledBy(owner) && store.claim(job.id(), owner, now.epoch()) ? owner : null;
              });

      List<String> won = winners.stream().filter(w -> w != null).toList();
      assertThat(won).hasSize(1);
      ServerJob started = store.get(job.id()).orElseThrow();
      assertThat(started.owner()).contains(won.get(0));
      assertThat(started.attempts()).isEqualTo(1);
    }
  }

  // ---------------------------------------------------------------- the leader lease

  @Test
  void theFirstServerLeadsAndOthersStandBy() {
    Leadership first = store.lead("s1", LEASE);
    assertThat(first.leader()).contains("s1");
    assertThat(store.lead("s2", LEASE)).isEqualTo(first);
    assertThat(store.lead("s1", LEASE)).as("renewed, same epoch").isEqualTo(first);

    ServerJob job = submit("a");
    assertThat(store.claim(job.id(), "s2", first.epoch())).as("a standby starts nothing").isFalse();
    assertThat(store.claim(job.id(), "s1", first.epoch())).isTrue();
  }

  @Test
  void aLapsedLeaseIsTakenOverUnderANewEpochThatFencesTheOldLeader() {
    Leadership old = store.lead("s1", LEASE);
    // by the database's clock any lease is at least zero old: it has lapsed for a zero timeout
    Leadership taken = store.lead("s2", Duration.ZERO);
    assertThat(taken.leader()).contains("s2");
    assertThat(taken.epoch()).isGreaterThan(old.epoch());
    assertThat(store.lead("s1", LEASE)).as("the old leader finds it lost").isEqualTo(taken);

    ServerJob job = submit("a");
    assertThat(store.claim(job.id(), "s1", old.epoch())).as("fenced").isFalse();
    assertThat(store.claim(job.id(), "s2", old.epoch())).as("stale epoch").isFalse();
    assertThat(store.claim(job.id(), "s2", taken.epoch())).isTrue();
  }

  @Test
  void aResigningLeaderLetsAStandbyLeadAtOnce() {
    Leadership old = store.lead("s1", LEASE);
    store.resign("s2"); // not the leader: no effect
    assertThat(store.lead("s2", LEASE)).isEqualTo(old);

    store.resign("s1");
    Leadership next = store.lead("s2", LEASE);
    assertThat(next.leader()).contains("s2");
    assertThat(next.epoch()).isGreaterThan(old.epoch());
  }

  @Test
  void racingServersElectExactlyOneLeader() throws Exception {
    List<Leadership> seen =
        race(() -> store.lead("server-" + Thread.currentThread().getId(), LEASE));
    Leadership now = store.lead("nobody", LEASE);
    assertThat(now.leader()).isPresent();
    assertThat(seen).allSatisfy(l -> assertThat(l.epoch()).isLessThanOrEqualTo(now.epoch()));
    assertThat(seen.stream().filter(l -> l.leader().isPresent()).map(Leadership::leader).distinct())
        .as("every racer saw the same leader")
        .containsExactly(now.leader());
    assertThat(now.epoch()).as("one takeover").isEqualTo(1);
  }

  @Test
  void attachRunRecordsTheRunOfTheHoldersJobOnly() {
    ServerJob job = running("a", "s1");

    store.attachRun(job.id(), "s2", "run-of-s2");
    assertThat(store.get(job.id()).orElseThrow().runId()).isEmpty();

    store.attachRun(job.id(), "s1", "run-1");
    assertThat(store.get(job.id()).orElseThrow().runId()).contains("run-1");

    ServerJob queued = submit("b");
    store.attachRun(queued.id(), "s1", "run-2");
    assertThat(store.get(queued.id()).orElseThrow().runId()).isEmpty();
  }

  @Test
  void heartbeatRenewsTheLeasesOfTheOwnersRunningJobs() {
    ServerJob a = running("a", "s1");
    ServerJob b = running("b", "s1");
    ServerJob c = running("c", "s2");
    ServerJob ended = inState("d", FAILED);
    submit("queued");
    ageLease(a.id(), 120);
    ageLease(b.id(), 120);
    ageLease(c.id(), 120);

    assertThat(store.heartbeat("s1")).isEqualTo(2);
    assertThat(store.heartbeat("nobody")).isZero();

    assertThat(store.requeueOrphans(LEASE)).containsExactly(c.id());
    assertThat(store.get(a.id()).orElseThrow().state()).isEqualTo(RUNNING);
    assertThat(store.get(b.id()).orElseThrow().state()).isEqualTo(RUNNING);
    assertThat(store.get(ended.id()).orElseThrow().state()).isEqualTo(FAILED);
    assertThat(store.heartbeat("s2")).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobState.class,
      names = {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"})
  void finishEndsTheHoldersJob(JobState state) {
    ServerJob job = running("a", "s1");
    Instant endedAt = clock.advanceSeconds(90);

    assertThat(store.finish(job.id(), "s2", state, Optional.of("not mine"))).isFalse();
    assertThat(store.get(job.id())).contains(job);

    assertThat(store.finish(job.id(), "s1", state, Optional.of("why"))).isTrue();
    ServerJob ended = store.get(job.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(state);
    assertThat(ended.message()).contains("why");
    assertThat(ended.endedAt()).contains(endedAt);
    assertThat(ended.startedAt()).isEqualTo(job.startedAt());
    assertThat(ended.owner()).as("owner is recorded while RUNNING only").isEmpty();
    assertThat(ended.attempts()).isEqualTo(1);

    assertThat(store.finish(job.id(), "s1", FAILED, Optional.empty())).isFalse();
    assertThat(store.get(job.id())).contains(ended);
    assertThat(store.running()).isEmpty();
  }

  @Test
  void finishWithoutAMessageAndOfJobsNotRunningOrIntoAStateNotEnded() {
    ServerJob queued = submit("q");
    assertThat(store.finish(queued.id(), "s1", SUCCEEDED, Optional.empty())).isFalse();
    assertThat(store.get(queued.id())).contains(queued);
    assertThat(store.finish("job-unknown", "s1", SUCCEEDED, Optional.empty())).isFalse();

    ServerJob job = running("a", "s1");
    assertThatThrownBy(() -> store.finish(job.id(), "s1", QUEUED, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.finish(job.id(), "s1", RUNNING, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.finish(job.id(), "s1", SUCCEEDED, Optional.empty())).isTrue();
    assertThat(store.get(job.id()).orElseThrow().message()).isEmpty();
  }

  @Test
  void aLongMessageIsTruncated() {
    ServerJob job = running("a", "s1");
    assertThat(store.finish(job.id(), "s1", FAILED, Optional.of("x".repeat(5000)))).isTrue();
    String message = store.get(job.id()).orElseThrow().message().orElseThrow();
    assertThat(message).hasSize(4000).endsWith("...");
  }

  // ---------------------------------------------------------------- preemption

  @Test
  void aPreemptedJobIsQueuedAgainKeepingItsRunAndCountingThePreemption() {
    ServerJob job = running("low", "s1");
    store.attachRun(job.id(), "s1", "run-1");

    assertThat(store.requeuePreempted(job.id(), "s2", "for job-2")).as("not s2's").isFalse();
    assertThat(store.requeuePreempted(job.id(), "s1", "preempted for job-2")).isTrue();

    ServerJob queued = store.get(job.id()).orElseThrow();
    assertThat(queued.state()).isEqualTo(QUEUED);
    assertThat(queued.preemptions()).isEqualTo(1);
    assertThat(queued.attempts()).isEqualTo(1);
    assertThat(queued.message()).contains("preempted for job-2");
    assertThat(queued.owner()).isEmpty();
    assertThat(queued.runId()).as("the run resumes").contains("run-1");
    assertThat(queued.sequence()).as("its place in the queue").isEqualTo(job.sequence());
    assertThat(claim(job.id(), "s1")).isTrue();
    assertThat(store.get(job.id()).orElseThrow().message()).isEmpty();
    assertThat(store.get(job.id()).orElseThrow().preemptions()).isEqualTo(1);
  }

  @Test
  void aJobWhoseCancelWasRequestedIsNotQueuedAgainByAPreemption() {
    ServerJob job = running("low", "s1");
    store.cancel(job.id());

    assertThat(store.requeuePreempted(job.id(), "s1", "preempted")).isFalse();
    assertThat(store.get(job.id()).orElseThrow().state()).isEqualTo(RUNNING);
  }

  // ---------------------------------------------------------------- upstream failed

  @Test
  void aQueuedJobEndsUpstreamFailedWithoutStarting() {
    ServerJob job = submit("downstream");
    Instant at = clock.advanceSeconds(7);

    assertThat(store.endQueued(job.id(), JobState.UPSTREAM_FAILED, "upstream job-1 FAILED"))
        .isTrue();

    ServerJob ended = store.get(job.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(JobState.UPSTREAM_FAILED);
    assertThat(ended.message()).contains("upstream job-1 FAILED");
    assertThat(ended.endedAt()).contains(at);
    assertThat(ended.attempts()).isZero();
    assertThat(store.queued()).isEmpty();
    assertThat(store.endQueued(job.id(), JobState.UPSTREAM_FAILED, "again"))
        .as("only a queued job")
        .isFalse();
    assertThat(store.retry(job.id()).orElseThrow().state()).isEqualTo(QUEUED);
  }

  @Test
  void onlyAQueuedJobEndsWithoutStarting() {
    ServerJob job = running("a", "s1");

    assertThat(store.endQueued(job.id(), JobState.UPSTREAM_FAILED, "x")).isFalse();
    assertThat(store.get(job.id()).orElseThrow().state()).isEqualTo(RUNNING);
    assertThatThrownBy(() -> store.endQueued(job.id(), QUEUED, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- cancel

  @Test
  void cancellingAQueuedJobEndsIt() {
    ServerJob job = submit("a");
    Instant at = clock.advanceSeconds(5);

    ServerJob cancelled = store.cancel(job.id()).orElseThrow();

    assertThat(cancelled.state()).isEqualTo(CANCELLED);
    assertThat(cancelled.message()).contains("cancelled before it started");
    assertThat(cancelled.endedAt()).contains(at);
    assertThat(cancelled.attempts()).isZero();
    assertThat(store.get(job.id())).contains(cancelled);
    assertThat(claim(job.id(), "s1")).isFalse();
    assertThat(store.queued()).isEmpty();
  }

  @Test
  void cancellingARunningJobFlagsItForItsServer() {
    ServerJob job = running("a", "s1");

    ServerJob flagged = store.cancel(job.id()).orElseThrow();

    assertThat(flagged.state()).isEqualTo(RUNNING);
    assertThat(flagged.cancelRequested()).isTrue();
    assertThat(flagged.owner()).contains("s1");
    assertThat(flagged.endedAt()).isEmpty();
    assertThat(store.cancel(job.id())).contains(flagged);

    assertThat(store.finish(job.id(), "s1", CANCELLED, Optional.of("stopped"))).isTrue();
    assertThat(store.get(job.id()).orElseThrow().state()).isEqualTo(CANCELLED);
  }

  @ParameterizedTest
  @EnumSource(
      value = JobState.class,
      names = {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED", "UPSTREAM_FAILED"})
  void cancellingAnEndedJobLeavesItAsItIs(JobState state) {
    ServerJob job = inState("a", state);
    clock.advanceSeconds(5);

    assertThat(store.cancel(job.id())).contains(job);
    assertThat(store.get(job.id())).contains(job);
  }

  @Test
  void cancellingAnUnknownJobFindsNothing() {
    assertThat(store.cancel("job-unknown")).isEmpty();
  }

  @Test
  void aCancelRacingAClaimEitherEndsTheJobOrFlagsTheRunningOne() throws Exception {
    for (int round = 0; round < 5; round++) {
      ServerJob job = submit("racy-" + round);
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Boolean> claim =
            pool.submit(
                () -> {
                  start.await();
                  return claim(job.id(), "s1");
                });
        Future<ServerJob> cancel =
            pool.submit(
                () -> {
                  start.await();
                  return store.cancel(job.id()).orElseThrow();
                });
        start.countDown();
        boolean claimed = claim.get(30, TimeUnit.SECONDS);
        ServerJob afterCancel = cancel.get(30, TimeUnit.SECONDS);
        ServerJob now = store.get(job.id()).orElseThrow();
        if (claimed) {
          assertThat(now.state()).isEqualTo(RUNNING);
          assertThat(now.cancelRequested()).isTrue();
          assertThat(afterCancel).isEqualTo(now);
        } else {
          assertThat(now.state()).isEqualTo(CANCELLED);
          assertThat(afterCancel).isEqualTo(now);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------- retry

  @ParameterizedTest
  @EnumSource(
      value = JobState.class,
      names = {"PARTIAL", "FAILED", "CANCELLED"})
  void retryQueuesAnEndedJobAgain(JobState state) {
    ServerJob job = running("a", "s1");
    store.attachRun(job.id(), "s1", "run-1");
    store.cancel(job.id());
    assertThat(store.finish(job.id(), "s1", state, Optional.of("went wrong"))).isTrue();

    ServerJob queued = store.retry(job.id()).orElseThrow();

    assertThat(queued.state()).isEqualTo(QUEUED);
    assertThat(queued.owner()).isEmpty();
    assertThat(queued.message()).isEmpty();
    assertThat(queued.endedAt()).isEmpty();
    assertThat(queued.cancelRequested()).isFalse();
    assertThat(queued.attempts()).isEqualTo(1);
    assertThat(queued.runId()).as("the run resumes").contains("run-1");
    assertThat(queued.sequence()).isEqualTo(job.sequence());
    assertThat(store.get(job.id())).contains(queued);
    assertThat(ids(store.queued())).containsExactly(job.id());

    Instant second = clock.advanceSeconds(60);
    assertThat(claim(job.id(), "s2")).isTrue();
    ServerJob again = store.get(job.id()).orElseThrow();
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.owner()).contains("s2");
    assertThat(again.startedAt()).contains(second);
  }

  @Test
  void retryingACancelledQueuedJobQueuesItAgain() {
    ServerJob job = submit("a");
    store.cancel(job.id());

    ServerJob queued = store.retry(job.id()).orElseThrow();

    assertThat(queued.state()).isEqualTo(QUEUED);
    assertThat(queued.message()).isEmpty();
    assertThat(queued.endedAt()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobState.class,
      names = {"QUEUED", "RUNNING", "SUCCEEDED"})
  void onlyAFailedPartialOrCancelledJobCanBeRetried(JobState state) {
    ServerJob job = inState("a", state);

    LakeBatchException e = conflict(() -> store.retry(job.id()));

    assertThat(e.getMessage()).contains(job.id()).contains(state.name());
    assertThat(store.get(job.id())).contains(job);
  }

  @Test
  void retryingAnUnknownJobFindsNothing() {
    assertThat(store.retry("job-unknown")).isEmpty();
  }

  // ---------------------------------------------------------------- orphans

  @Test
  void requeueOrphansQueuesTheRunningJobsWhoseLeaseLapsed() {
    ServerJob a = running("a", "dead");
    ServerJob b = running("b", "dead");
    ServerJob alive = running("c", "alive");
    ServerJob ended = inState("d", FAILED);
    ServerJob queued = submit("e");
    store.cancel(a.id());
    ageLease(a.id(), 120);
    ageLease(b.id(), 120);
    ageLease(alive.id(), 30);

    List<String> requeued = store.requeueOrphans(LEASE);

    assertThat(requeued).containsExactlyInAnyOrder(a.id(), b.id());
    for (String id : requeued) {
      ServerJob job = store.get(id).orElseThrow();
      assertThat(job.state()).isEqualTo(QUEUED);
      assertThat(job.owner()).isEmpty();
      assertThat(job.cancelRequested()).isFalse();
      assertThat(job.attempts()).isEqualTo(1);
    }
    assertThat(store.get(alive.id())).contains(alive);
    assertThat(store.get(ended.id())).contains(ended);
    assertThat(store.get(queued.id())).contains(queued);
    assertThat(ids(store.running())).containsExactly(alive.id());
    assertThat(ids(store.queued())).containsExactly(a.id(), b.id(), queued.id());

    // the dead server's late writes no longer count
    assertThat(store.heartbeat("dead")).isZero();
    assertThat(store.finish(a.id(), "dead", SUCCEEDED, Optional.empty())).isFalse();
    assertThat(store.requeueOrphans(LEASE)).isEmpty();
    assertThat(claim(a.id(), "alive")).isTrue();
    assertThat(store.get(a.id()).orElseThrow().attempts()).isEqualTo(2);
  }

  @Test
  void leasesAreAgedByTheDatabasesClockNotTheStores() {
    ServerJob job = running("a", "s1");

    clock.set(Instant.parse("2100-01-01T00:00:00Z"));
    assertThat(store.requeueOrphans(Duration.ofMinutes(10))).isEmpty();
    clock.set(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(store.requeueOrphans(Duration.ofMinutes(10))).isEmpty();
    assertThat(store.get(job.id()).orElseThrow().state()).isEqualTo(RUNNING);

    ageLease(job.id(), 601);
    assertThat(store.requeueOrphans(Duration.ofMinutes(10))).containsExactly(job.id());
  }

  // ---------------------------------------------------------------- lists

  @Test
  void listIsNewestFirstAndFiltersByStateTenantAndName() {
    ServerJob a = store.submit(newJob("acme", "nightly-eta", Optional.empty(), BODY)).job();
    ServerJob b = store.submit(newJob("globex", "nightly_eta", Optional.empty(), BODY)).job();
    ServerJob c = store.submit(newJob("acme", "hourly-100%", Optional.empty(), BODY)).job();
    assertThat(claim(b.id(), "s1")).isTrue();

    assertThat(ids(store.list(JobFilter.all(10)))).containsExactly(c.id(), b.id(), a.id());
    assertThat(ids(store.list(filter(Optional.of(QUEUED), null, null, 10, null))))
        .containsExactly(c.id(), a.id());
    assertThat(ids(store.list(filter(Optional.of(RUNNING), null, null, 10, null))))
        .containsExactly(b.id());
    assertThat(ids(store.list(filter(Optional.of(FAILED), null, null, 10, null)))).isEmpty();
    assertThat(ids(store.list(filter(null, "acme", null, 10, null))))
        .containsExactly(c.id(), a.id());
    assertThat(ids(store.list(filter(null, "acm", null, 10, null)))).isEmpty();
    assertThat(ids(store.list(filter(null, null, "nightly", 10, null))))
        .containsExactly(b.id(), a.id());
    assertThat(ids(store.list(filter(null, null, "_", 10, null)))).containsExactly(b.id());
    assertThat(ids(store.list(filter(null, null, "%", 10, null)))).containsExactly(c.id());
    assertThat(ids(store.list(filter(Optional.of(QUEUED), "acme", "eta", 10, null))))
        .containsExactly(a.id());
  }

  @Test
  void listPagesWithTheSequenceCursor() {
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      submitted.add(submit("job-" + i).id());
    }
    List<String> newestFirst = new ArrayList<>(submitted);
    Collections.reverse(newestFirst);

    List<String> seen = new ArrayList<>();
    Long cursor = null;
    int pages = 0;
    while (true) {
      List<ServerJob> page = store.list(filter(null, null, null, 3, cursor));
      if (page.isEmpty()) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(3);
      seen.addAll(ids(page));
      cursor = page.get(page.size() - 1).sequence();
      pages++;
    }

    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(newestFirst);
  }

  @Test
  void queuedIsOldestFirstAndRunningHoldsEveryServersJobs() {
    ServerJob a = submit("a");
    ServerJob b = running("b", "s1");
    ServerJob c = submit("c");
    ServerJob d = running("d", "s2");
    ServerJob e = submit("e");
    inState("f", SUCCEEDED);

    assertThat(ids(store.queued())).containsExactly(a.id(), c.id(), e.id());
    assertThat(ids(store.running())).containsExactly(b.id(), d.id());
  }

  static JobFilter filter(
      Optional<JobState> state, String tenant, String name, int limit, Long before) {
    return new JobFilter(
        state == null ? Optional.empty() : state,
        Optional.ofNullable(tenant),
        Optional.ofNullable(name),
        limit,
        before == null ? OptionalLong.empty() : OptionalLong.of(before));
  }

  @Test
  void everyStateOfAJobCanBeListed() {
    for (JobState state : JobState.values()) {
      inState(state.name().toLowerCase(), state);
    }
    for (JobState state : JobState.values()) {
      assertThat(store.list(filter(Optional.of(state), null, null, 10, null)))
          .singleElement()
          .satisfies(job -> assertThat(job.name()).isEqualTo(state.name().toLowerCase()));
    }
  }
}
