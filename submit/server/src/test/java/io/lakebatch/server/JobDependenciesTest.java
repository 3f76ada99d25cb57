package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.NewJob;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.ExecutionMode;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.server.JobDependencies.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Resolving, cycle-checking and judging {@code depends-on} against a real embedded job store. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class JobDependenciesTest {
  @TempDir Path home;
  private Catalog catalog;
  private JobStore jobs;
  private JobDependencies dependencies;

  @BeforeEach
  void open() {
    catalog = Catalog.open(CatalogConfig.embedded(home));
    jobs = catalog.jobs();
    dependencies = new JobDependencies(jobs);
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  private ServerJob submit(String tenant, String key, String... dependsOn) {
    return jobs.submit(
            new NewJob(
                tenant,
                "n",
                Optional.ofNullable(key),
                "sha-" + key,
                "spec",
                "normal",
                1,
                ExecutionMode.SHARED,
                List.of(dependsOn)))
        .job();
  }

  private void end(ServerJob job, JobState state) {
    long epoch = jobs.lead("s1", Duration.ofMinutes(1)).epoch();
    assertThat(jobs.claim(job.id(), "s1", epoch)).isTrue();
    assertThat(jobs.finish(job.id(), "s1", state, Optional.of("went " + state))).isTrue();
  }

  @Test
  void referencesNameIdsOrTheTenantsOwnKeys() {
    ServerJob mine = submit("acme", "features");
    ServerJob theirs = submit("other", "features");

    assertThat(dependencies.resolve("acme", "features")).contains(mine);
    assertThat(dependencies.resolve("other", "features")).contains(theirs);
    assertThat(dependencies.resolve("acme", mine.id())).contains(mine);
    assertThat(dependencies.resolve("acme", theirs.id())).as("never across tenants").isEmpty();
    assertThat(dependencies.resolve("acme", "not-yet")).isEmpty();
  }

  @Test
  void aDiamondIsNotACycleButALongChainBackIs() {
    submit("acme", "root");
    submit("acme", "left", "root");
    submit("acme", "right", "root");
    submit("acme", "join", "left", "right", "later");

    dependencies.checkSubmission("acme", Optional.of("tip"), List.of("join", "root"));
    dependencies.checkSubmission("acme", Optional.empty(), List.of("later"));
    assertThatThrownBy(
            () ->
                dependencies.checkSubmission("acme", Optional.of("later"), List.of("root", "join")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              assertThat(p.body().toString())
                  .contains("depends-on[1]")
                  .contains("later \u2192 join \u2192 later");
            });
  }

  @Test
  void aJobIdThatNamesNoJobOfTheTenantIsRefused() {
    ServerJob theirs = submit("other", "k");

    assertThatThrownBy(
            () ->
                dependencies.checkSubmission(
                    "acme", Optional.empty(), List.of("job-00000000000000ab", theirs.id())))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.body().toString())
                    .contains("depends-on[0]")
                    .contains("depends-on[1]")
                    .contains("no job job-00000000000000ab in tenant acme"));
  }

  @Test
  void aJobWaitsUntilEveryUpstreamSucceededAndFailsWhenOneEndsOtherwise() {
    ServerJob first = submit("acme", "first");
    ServerJob second = submit("acme", "second");
    ServerJob down = submit("acme", "down", "first", second.id());

    assertThat(dependencies.upstream(down).verdict()).isEqualTo(Verdict.WAIT);
    assertThat(dependencies.upstream(down).detail()).contains(first.id());
    end(first, JobState.SUCCEEDED);
    assertThat(dependencies.upstream(down).detail()).contains(second.id());
    end(second, JobState.SUCCEEDED);
    assertThat(dependencies.upstream(down).verdict()).isEqualTo(Verdict.READY);

    ServerJob partial = submit("acme", "partial");
    ServerJob afterPartial = submit("acme", "after-partial", "partial", "first");
    end(partial, JobState.PARTIAL);
    JobDependencies.Upstream failed = dependencies.upstream(afterPartial);
    assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
    assertThat(failed.detail())
        .contains(partial.id())
        .contains("'partial'")
        .contains("ended PARTIAL: went PARTIAL");

    ServerJob forward = submit("acme", "forward", "submitted-later");
    assertThat(dependencies.upstream(forward).detail())
        .isEqualTo("waiting for 'submitted-later' to be submitted");
  }
}
