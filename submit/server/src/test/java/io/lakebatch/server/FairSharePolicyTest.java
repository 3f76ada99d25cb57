package io.lakebatch.server;

import static io.lakebatch.server.TestJobs.job;
import static io.lakebatch.server.TestJobs.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.server.scheduling.SchedulerConfig;
import io.lakebatch.server.scheduling.TenantShare;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's fair-share policy on whole jobs: the scheduling core's decisions, one per job. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FairSharePolicyTest {
  private static final Instant NOW = Instant.ofEpochSecond(10_000);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static FairSharePolicy policy(TenantShare... shares) {
    return new FairSharePolicy(SchedulerConfig.defaults().withTenantShares(List.of(shares)), CLOCK);
  }

  private static ServerJob queued(long sequence, String tenant, String priority, long secondsAgo) {
    return job(sequence, tenant, priority, 1, NOW.minusSeconds(secondsAgo));
  }

  @Test
  void aTenantWithOneJobIsNotHeldBackByATenantWith500() {
    List<ServerJob> queue = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      queue.add(queued(i, "busy", "normal", 600));
    }
    ServerJob single = queued(501, "quiet", "normal", 1);
    queue.add(single);
    List<ServerJob> running =
        List.of(
            started(queued(1_001, "busy", "normal", 900), 100),
            started(queued(1_002, "busy", "normal", 900), 100));

    assertThat(policy().next(queue, running, 2, 4)).contains(single);
    assertThat(new PriorityFifoPolicy().next(queue, running, 2, 4))
        .as("first come, first served would start busy's oldest")
        .contains(queue.get(0));
  }

  @Test
  void weightsDecideWhoseTurnItIsWhenBothHoldCores() {
    List<ServerJob> running =
        List.of(
            started(queued(1, "heavy", "normal", 900), 100),
            started(queued(2, "light", "normal", 900), 100));
    ServerJob heavyNext = queued(3, "heavy", "normal", 10);
    ServerJob lightNext = queued(4, "light", "normal", 500);

    assertThat(
            policy(TenantShare.weighted("heavy", 2), TenantShare.weighted("light", 1))
                .next(List.of(heavyNext, lightNext), running, 2, 4))
        .as("heavy holds 1/4 at weight 2, light 1/4 at weight 1")
        .contains(heavyNext);
    List<ServerJob> heavyHoldsTwo = new ArrayList<>(running);
    heavyHoldsTwo.add(started(queued(5, "heavy", "normal", 900), 200));
    assertThat(policy().next(List.of(heavyNext, lightNext), heavyHoldsTwo, 1, 4))
        .as("equal weights: the tenant holding less")
        .contains(lightNext);
  }

  @Test
  void withinATenantALowJobThatWaitedLongEnoughOvertakesAFreshNormalOne() {
    ServerJob freshNormal = queued(2, "t", "normal", 0);
    ServerJob freshLow = queued(1, "t", "low", 0);
    ServerJob agedLow = queued(3, "t", "low", 1_100); // 1 point a second: 0 + 1100 > 1000

    assertThat(policy().next(List.of(freshLow, freshNormal), List.of(), 4, 4))
        .contains(freshNormal);
    assertThat(policy().next(List.of(freshNormal, agedLow), List.of(), 4, 4)).contains(agedLow);
    ServerJob normal90 = queued(4, "t", "normal:90", 0);
    assertThat(policy().next(List.of(freshNormal, normal90), List.of(), 4, 4))
        .as("the value within the class")
        .contains(normal90);
  }

  @Test
  void aTenantAtItsMaximumStartsNothingMore() {
    List<ServerJob> running = List.of(started(queued(1, "capped", "normal", 900), 100));
    ServerJob waiting = queued(2, "capped", "normal", 10);
    FairSharePolicy capped = policy(new TenantShare("capped", 1, 0, 0.25));

    assertThat(capped.next(List.of(waiting), running, 3, 4)).isEmpty();
    assertThat(policy().next(List.of(waiting), running, 3, 4)).contains(waiting);
  }

  @Test
  void aHighJobPreemptsALowerClassOfItsOwnTenantButNotAnotherTenantsJobs() {
    ServerJob ownLow = started(job(1, "t", "low", 4, NOW.minusSeconds(900)), 9_000);
    ServerJob high = job(2, "t", "high", 4, NOW.minusSeconds(5));

    SchedulingPolicy.Preemption preemption =
        policy().preemption(List.of(high), List.of(ownLow), 0, 4).orElseThrow();
    assertThat(preemption.victims()).containsExactly(ownLow);
    assertThat(preemption.reason()).contains(high.id());

    ServerJob otherLow = started(job(3, "other", "low", 4, NOW.minusSeconds(900)), 9_000);
    assertThat(policy().preemption(List.of(high), List.of(otherLow), 0, 4))
        .as("another tenant at its fair share keeps its job until the scheduler's own rules say")
        .isEmpty();
  }

  @Test
  void aTenantBelowItsGuaranteeGetsRoomFromATenantAboveItsShare() {
    List<ServerJob> running = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      running.add(started(queued(i, "hog", "normal", 3_000), 1_000 * i));
    }
    ServerJob guaranteed = queued(5, "owed", "normal", 120); // waited past the core's 60 s grace

    SchedulingPolicy.Preemption preemption =
        policy(new TenantShare("owed", 1, 0.5, 1))
            .preemption(List.of(guaranteed), running, 0, 4)
            .orElseThrow();

    assertThat(preemption.victims()).hasSize(1).allMatch(v -> v.tenant().equals("hog"));
    assertThat(preemption.victims().get(0)).as("the youngest").isEqualTo(running.get(3));
    assertThat(policy().preemption(List.of(guaranteed), running, 0, 4))
        .as("without a guarantee it waits its turn")
        .isEmpty();
  }
}
