package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.jobs.ApiToken;
import io.lakebatch.catalog.jobs.JobFilter;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.NewJob;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.jobs.Submission;
import io.lakebatch.catalog.jobs.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job server's queue and tokens on every catalog database: run by {@link H2JobStoreTest} and
 * {@link PostgresJobStoreTest}.
 */
@Timeout(60)
abstract class JobStoreContractTest {
  protected abstract CatalogConfig config();

  private Catalog catalog;
  private JobStore jobs;
  private TokenStore tokens;

  @BeforeEach
  void open() {
    catalog = Catalog.open(config());
    jobs = catalog.jobs();
    tokens = catalog.tokens();
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  private static NewJob job(String tenant, String key, String body, String priority) {
    return new NewJob(
        tenant, "scores", Optional.ofNullable(key), body, "spec " + body, priority, 2);
  }

  @Test
  void aSubmissionIsQueuedAndAKeyGivesBackTheSameJobOrAConflict() {
    Submission first = jobs.submit(job("a", "k1", "sha1", "high"));
    Submission again = jobs.submit(job("a", "k1", "sha1", "high"));
    Submission otherTenant = jobs.submit(job("b", "k1", "sha1", "high"));

    assertThat(first.created()).isTrue();
    assertThat(first.job().state()).isEqualTo(JobState.QUEUED);
    assertThat(first.job().id()).matches("job-[0-9a-f]{16}");
    assertThat(first.job().priority()).isEqualTo("high");
    assertThat(again.created()).isFalse();
    assertThat(again.job().id()).isEqualTo(first.job().id());
    assertThat(otherTenant.created()).as("keys are per tenant").isTrue();
    assertThatThrownBy(() -> jobs.submit(job("a", "k1", "sha2", "high")))
        .isInstanceOfSatisfying(
            LakeBatchException.class,
            e -> {
              assertThat(e.category()).isEqualTo(ErrorCategory.CONFLICT);
              assertThat(e.getMessage()).contains("k1").contains(first.job().id());
            });
    assertThat(jobs.submit(job("a", null, "sha1", "low")).created()).isTrue();
  }

  @Test
  void racingSubmissionsWithOneKeyMakeOneJob() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Submission>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return jobs.submit(job("a", "race", "sha", "normal"));
              }));
    }
    go.countDown();
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Future<Submission> result : results) {
      Submission s = result.get(30, TimeUnit.SECONDS);
      ids.add(s.job().id());
      created += s.created() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(ids).hasSize(1);
    assertThat(created).isEqualTo(1);
    assertThat(jobs.list(JobFilter.all(100))).hasSize(1);
  }

  @Test
  void oneOfTwoClaimersWinsAndOnlyTheOwnerFinishes() {
    String id = jobs.submit(job("a", null, "s", "normal")).job().id();

    assertThat(jobs.claim(id, "server-1")).isTrue();
    assertThat(jobs.claim(id, "server-2")).isFalse();
    jobs.attachRun(id, "server-2", "run-x");
    jobs.attachRun(id, "server-1", "run-1");
    ServerJob running = jobs.get(id).orElseThrow();
    assertThat(running.state()).isEqualTo(JobState.RUNNING);
    assertThat(running.owner()).hasValue("server-1");
    assertThat(running.runId()).hasValue("run-1");
    assertThat(running.attempts()).isEqualTo(1);
    assertThat(running.startedAt()).isPresent();
    assertThat(jobs.running()).extracting(ServerJob::id).containsExactly(id);
    assertThat(jobs.heartbeat("server-1")).isEqualTo(1);
    assertThat(jobs.heartbeat("server-2")).isZero();

    assertThat(jobs.finish(id, "server-2", JobState.SUCCEEDED, Optional.empty())).isFalse();
    assertThat(jobs.finish(id, "server-1", JobState.FAILED, Optional.of("boom"))).isTrue();
    ServerJob ended = jobs.get(id).orElseThrow();
    assertThat(ended.state()).isEqualTo(JobState.FAILED);
    assertThat(ended.message()).hasValue("boom");
    assertThat(ended.endedAt()).isPresent();
  }

  @Test
  void cancelEndsAQueuedJobAndFlagsARunningOne() {
    String queued = jobs.submit(job("a", null, "q", "normal")).job().id();
    String running = jobs.submit(job("a", null, "r", "normal")).job().id();
    jobs.claim(running, "server-1");

    assertThat(jobs.cancel(queued).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    ServerJob flagged = jobs.cancel(running).orElseThrow();
    assertThat(flagged.state()).isEqualTo(JobState.RUNNING);
    assertThat(flagged.cancelRequested()).isTrue();
    assertThat(jobs.cancel("job-unknown")).isEmpty();
    assertThat(jobs.queued()).isEmpty();
  }

  @Test
  void retryQueuesAnEndedJobAgainButNotASucceededOne() {
    String id = jobs.submit(job("a", null, "s", "normal")).job().id();
    jobs.claim(id, "server-1");
    jobs.finish(id, "server-1", JobState.PARTIAL, Optional.of("chunk 3 failed"));

    ServerJob retried = jobs.retry(id).orElseThrow();
    assertThat(retried.state()).isEqualTo(JobState.QUEUED);
    assertThat(retried.message()).isEmpty();
    assertThat(jobs.claim(id, "server-2")).isTrue();
    assertThat(jobs.get(id).orElseThrow().attempts()).isEqualTo(2);
    assertThatThrownBy(() -> jobs.retry(id))
        .isInstanceOfSatisfying(
            LakeBatchException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.CONFLICT));
    jobs.finish(id, "server-2", JobState.SUCCEEDED, Optional.empty());
    assertThatThrownBy(() -> jobs.retry(id)).hasMessageContaining("SUCCEEDED");
    assertThat(jobs.retry("job-unknown")).isEmpty();
  }

  @Test
  void aJobWhoseLeaseLapsedIsRequeuedAndItsServerCanNoLongerFinishIt() {
    String id = jobs.submit(job("a", null, "s", "normal")).job().id();
    jobs.claim(id, "server-1");

    assertThat(jobs.requeueOrphans(Duration.ofMinutes(5))).as("a fresh lease").isEmpty();
    assertThat(jobs.requeueOrphans(Duration.ZERO)).containsExactly(id);
    ServerJob requeued = jobs.get(id).orElseThrow();
    assertThat(requeued.state()).isEqualTo(JobState.QUEUED);
    assertThat(requeued.owner()).isEmpty();
    assertThat(jobs.finish(id, "server-1", JobState.SUCCEEDED, Optional.empty())).isFalse();
    assertThat(jobs.claim(id, "server-2")).isTrue();
  }

  @Test
  void listIsNewestFirstFilteredAndPaged() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(jobs.submit(job(i % 2 == 0 ? "a" : "b", null, "s" + i, "normal")).job().id());
    }
    jobs.cancel(ids.get(4));

    List<ServerJob> page = jobs.list(JobFilter.all(2));
    assertThat(page).extracting(ServerJob::id).containsExactly(ids.get(4), ids.get(3));
    List<ServerJob> next =
        jobs.list(
            new JobFilter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                2,
                OptionalLong.of(page.get(1).sequence())));
    assertThat(next).extracting(ServerJob::id).containsExactly(ids.get(2), ids.get(1));
    assertThat(
            jobs.list(
                new JobFilter(
                    Optional.of(JobState.QUEUED),
                    Optional.of("a"),
                    Optional.of("cor"),
                    10,
                    OptionalLong.empty())))
        .extracting(ServerJob::id)
        .containsExactly(ids.get(2), ids.get(0));
    assertThat(jobs.queued())
        .extracting(ServerJob::id)
        .containsExactly(ids.subList(0, 4).toArray(String[]::new));
  }

  @Test
  void tokensAreStoredHashedAuthenticateUntilRevoked() {
    assertThat(tokens.hasAdmin()).isFalse();
    TokenStore.CreatedToken admin = tokens.create("ops", true);
    TokenStore.CreatedToken tenant = tokens.create("analytics", false);

    assertThat(tenant.secret()).matches("lbt_[A-Za-z0-9_-]{43}");
    assertThat(tokens.hasAdmin()).isTrue();
    assertThat(tokens.authenticate(tenant.secret())).map(ApiToken::tenant).hasValue("analytics");
    assertThat(tokens.authenticate(admin.secret())).map(ApiToken::admin).hasValue(true);
    assertThat(tokens.authenticate(tenant.secret() + "x")).isEmpty();
    assertThat(tokens.list())
        .extracting(ApiToken::id)
        .containsExactlyInAnyOrder(admin.token().id(), tenant.token().id());

    assertThat(tokens.revoke(admin.token().id())).isTrue();
    assertThat(tokens.revoke(admin.token().id())).isFalse();
    assertThat(tokens.authenticate(admin.secret())).isEmpty();
    assertThat(tokens.hasAdmin()).isFalse();
  }
}
