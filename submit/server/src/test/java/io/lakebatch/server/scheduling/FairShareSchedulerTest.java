package io.lakebatch.server.scheduling;

import static io.lakebatch.server.scheduling.Fixtures.ONE_CORE;
import static io.lakebatch.server.scheduling.Fixtures.WORKER;
import static io.lakebatch.server.scheduling.Fixtures.job;
import static io.lakebatch.server.scheduling.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lakebatch.catalog.spec.Priority;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FairShareSchedulerTest {
  private static final long MINUTE = 60_000;
  private static final long NOW = 100 * MINUTE;

  private static FairShareScheduler scheduler(TenantShare... shares) {
    return new FairShareScheduler(SchedulerConfig.defaults().withTenantShares(List.of(shares)));
  }

  @Test
  void theTenantWithTheLowestWeightedDominantShareGoesFirst() {
    WorkerPool pool = WorkerPool.uniform(1, WORKER);
    Allocations running = new Allocations();
    SchedulableJob aRunning = job("a-run", "a", 0, ONE_CORE, 4);
    SchedulableJob bRunning = job("b-run", "b", 0, ONE_CORE, 6);
    run(pool, running, aRunning, 0, 0, 4, 0);
    run(pool, running, bRunning, 0, 100, 6, 0);
    // 6 cores free; a has 4/16 at weight 1 (0.25), b has 6/16 at weight 2 (0.1875).
    WaitingJobs waiting =
        Fixtures.waiting(job("a-wait", "a", 1, ONE_CORE, 10), job("b-wait", "b", 1, ONE_CORE, 10));

    SchedulingDecision decision =
        scheduler(TenantShare.weighted("a", 1), TenantShare.weighted("b", 2))
            .schedule(NOW, pool, running, waiting);

    // b (0.1875) twice to 8/32 = 0.25, the tie to a by name (5/16 = 0.3125), b twice to 10/32,
    // the tie to a again.
    assertThat(decision.grants())
        .extracting(Grant::jobId)
        .containsExactly("b-wait", "b-wait", "a-wait", "b-wait", "b-wait", "a-wait");
    assertThat(decision.preemptions()).isEmpty();
  }

  @Test
  void aTenantWithManyJobsDoesNotBlockATenantWithOne() {
    SchedulableJob[] jobs = new SchedulableJob[501];
    for (int i = 0; i < 500; i++) {
      // Older and of higher class than the lone job: order alone would put them first.
      jobs[i] = SchedulableJob.fresh("big-" + i, "big", Priority.HIGH, 99, i, ONE_CORE, 3);
    }
    jobs[500] = SchedulableJob.fresh("lone", "zz-small", Priority.LOW, 0, NOW, ONE_CORE, 1);
    WorkerPool pool = WorkerPool.uniform(4, WORKER);

    SchedulingDecision decision =
        scheduler().schedule(NOW, pool, new Allocations(), Fixtures.waiting(jobs));

    assertThat(decision.grants()).hasSize(64);
    assertThat(decision.grants().subList(0, 2)).extracting(Grant::jobId).contains("lone");
  }

  @Test
  void noTenantGoesAboveItsMaximumEvenOnAnIdleCluster() {
    WorkerPool pool = WorkerPool.uniform(2, WORKER);
    WaitingJobs waiting = Fixtures.waiting(job("a", "a", 0, ONE_CORE, 100));

    SchedulingDecision decision =
        scheduler(new TenantShare("a", 1, 0, 0.25)).schedule(NOW, pool, new Allocations(), waiting);

    assertThat(decision.grants()).hasSize(8);
    assertThat(decision.preemptions()).isEmpty();
  }

  @Test
  void withinATenantTheHighestEffectivePriorityGoesFirst() {
    WorkerPool pool = WorkerPool.uniform(1, new Demand(2, 4096, 0));
    WaitingJobs waiting =
        Fixtures.waiting(
            job("normal-fresh", "a", Priority.NORMAL, 99, NOW),
            job("low-aged", "a", Priority.LOW, 0, NOW - 1_200_000),
            job("high", "a", Priority.HIGH, 0, NOW));

    SchedulingDecision decision = scheduler().schedule(NOW, pool, new Allocations(), waiting);

    assertThat(decision.grants()).extracting(Grant::jobId).containsExactly("high", "low-aged");
  }

  @Test
  void aTenantUnderItsGuaranteePreemptsOnlyWhatItNeeds() {
    WorkerPool pool = WorkerPool.uniform(2, WORKER);
    Allocations running = new Allocations();
    SchedulableJob hog = job("hog", "a", 0, ONE_CORE, 32);
    run(pool, running, hog, 0, 0, 16, MINUTE);
    // On worker 1 the youngest chunks started last.
    for (int c = 0; c < 16; c++) {
      run(pool, running, hog, 1, 100 + c, 1, MINUTE + c);
    }
    SchedulableJob needy = job("needy", "b", NOW - 2 * MINUTE, new Demand(2, 2048, 0), 4);
    WaitingJobs waiting = Fixtures.waiting(needy);

    SchedulingDecision decision =
        scheduler(TenantShare.weighted("a", 1), new TenantShare("b", 1, 0.25, 1))
            .schedule(NOW, pool, running, waiting);

    assertThat(decision.preemptions()).hasSize(2);
    assertThat(decision.preemptions())
        .extracting(p -> p.chunk().id())
        .containsExactlyInAnyOrder(115L, 114L);
    assertThat(decision.preemptions())
        .extracting(Preemption::reason)
        .containsOnly("tenant b under its guaranteed share 0.25 (has 0.00)");
    assertThat(decision.grants()).containsExactly(new Grant("needy", needy.chunkDemand(), 1));
  }

  @Test
  void nothingIsPreemptedBeforeTheGraceOrWhenPreemptionIsOff() {
    WorkerPool pool = WorkerPool.uniform(1, WORKER);
    Allocations running = new Allocations();
    run(pool, running, job("hog", "a", 0, ONE_CORE, 16), 0, 0, 16, 0);
    TenantShare guaranteed = new TenantShare("b", 1, 0.5, 1);

    WaitingJobs fresh = Fixtures.waiting(job("needy", "b", NOW - 59_999, ONE_CORE, 1));
    assertThat(scheduler(guaranteed).schedule(NOW, pool, running, fresh))
        .isEqualTo(SchedulingDecision.NONE);

    WaitingJobs old = Fixtures.waiting(job("needy", "b", NOW - MINUTE, ONE_CORE, 1));
    assertThat(scheduler(guaranteed).schedule(NOW, pool, running, old).preemptions()).hasSize(1);
    FairShareScheduler off =
        new FairShareScheduler(
            SchedulerConfig.defaults().withTenantShares(List.of(guaranteed)).withoutPreemption());
    assertThat(off.schedule(NOW, pool, running, old)).isEqualTo(SchedulingDecision.NONE);
  }

  @Test
  void aWaitingHighJobPreemptsTheLowestPriorityChunkOfTheMostOverTenant() {
    WorkerPool pool = WorkerPool.uniform(1, WORKER);
    Allocations running = new Allocations();
    // a holds 10 of 16 cores, c holds 6; three tenants of weight 1 have a fair share of 1/3 each.
    run(
        pool,
        running,
        SchedulableJob.fresh("a-normal", "a", Priority.NORMAL, 50, 0, ONE_CORE, 5),
        0,
        0,
        5,
        0);
    run(
        pool,
        running,
        SchedulableJob.fresh("a-low", "a", Priority.LOW, 50, 0, ONE_CORE, 5),
        0,
        10,
        5,
        0);
    run(
        pool,
        running,
        SchedulableJob.fresh("c-low", "c", Priority.LOW, 0, 0, ONE_CORE, 6),
        0,
        20,
        6,
        0);
    SchedulableJob high =
        SchedulableJob.fresh("j-7", "b", Priority.HIGH, 0, NOW - 2 * MINUTE, ONE_CORE, 1);

    SchedulingDecision decision = scheduler().schedule(NOW, pool, running, Fixtures.waiting(high));

    assertThat(decision.preemptions()).hasSize(1);
    Preemption preemption = decision.preemptions().get(0);
    assertThat(preemption.chunk().job().id()).isEqualTo("a-low");
    assertThat(preemption.reason()).isEqualTo("high-priority job j-7 waiting");
    assertThat(decision.grants()).extracting(Grant::jobId).containsExactly("j-7");
  }

  @Test
  void aHighJobOfATenantAboveItsFairShareWaits() {
    WorkerPool pool = WorkerPool.uniform(1, WORKER);
    Allocations running = new Allocations();
    run(pool, running, job("b-run", "b", 0, ONE_CORE, 12), 0, 0, 12, 0);
    run(pool, running, job("a-run", "a", 0, ONE_CORE, 4), 0, 20, 4, 0);
    SchedulableJob high =
        SchedulableJob.fresh("j-8", "b", Priority.HIGH, 0, NOW - 2 * MINUTE, ONE_CORE, 1);

    assertThat(scheduler().schedule(NOW, pool, running, Fixtures.waiting(high)))
        .isEqualTo(SchedulingDecision.NONE);
  }

  @Test
  void victimsComeFromTheTenantMostOverItsFairShareOnWhicheverWorker() {
    WorkerPool pool = WorkerPool.uniform(3, WORKER);
    Allocations running = new Allocations();
    // Four tenants of weight 1 with work: a fair share of 0.25 each. a holds 24/48, c 16/48, d
    // 8/48.
    run(pool, running, job("c-run", "c", 0, ONE_CORE, 16), 0, 0, 16, 50 * MINUTE);
    run(pool, running, job("a-old", "a", 0, ONE_CORE, 16), 1, 100, 16, 0);
    run(pool, running, job("a-young", "a", 0, ONE_CORE, 8), 2, 200, 8, 5 * MINUTE);
    run(pool, running, job("d-run", "d", 0, ONE_CORE, 8), 2, 300, 8, 0);
    WaitingJobs waiting = Fixtures.waiting(job("needy", "b", NOW - 2 * MINUTE, ONE_CORE, 1));

    SchedulingDecision decision =
        scheduler(new TenantShare("b", 1, 0.25, 1)).schedule(NOW, pool, running, waiting);

    assertThat(decision.preemptions()).hasSize(1);
    RunningChunk victim = decision.preemptions().get(0).chunk();
    assertThat(victim.job().id()).isEqualTo("a-young");
    assertThat(decision.grants()).containsExactly(new Grant("needy", ONE_CORE, 2));
  }

  @Test
  void noVictimIsTakenFromATenantItWouldPushBelowItsOwnGuarantee() {
    WorkerPool pool = WorkerPool.uniform(2, WORKER);
    Allocations running = new Allocations();
    // a and c both hold half; a is guaranteed exactly that, and its chunks are younger and LOW.
    run(
        pool,
        running,
        SchedulableJob.fresh("a-low", "a", Priority.LOW, 0, 0, ONE_CORE, 16),
        0,
        0,
        16,
        10 * MINUTE);
    run(pool, running, job("c-run", "c", 0, ONE_CORE, 16), 1, 100, 16, 0);
    WaitingJobs waiting = Fixtures.waiting(job("needy", "b", NOW - 2 * MINUTE, ONE_CORE, 1));

    SchedulingDecision decision =
        scheduler(new TenantShare("a", 1, 0.5, 1), new TenantShare("b", 1, 0.2, 1))
            .schedule(NOW, pool, running, waiting);

    assertThat(decision.preemptions())
        .singleElement()
        .satisfies(p -> assertThat(p.chunk().tenant()).isEqualTo("c"));
  }

  private static final Demand EIGHT_CORES = new Demand(8, 32 * 1024, 0);
  private static final Demand CORE_4G = new Demand(1, 4 * 1024, 0);

  /**
   * Two workers of 16 cores and 64 GiB; tenant b holds 12 cores on worker 0 and 10 on worker 1, so
   * 4 cores (16 GiB) and 6 cores (24 GiB) are free: an 8-core chunk fits nowhere.
   */
  private static WorkerPool twoPartlyFullWorkers(Allocations running) {
    WorkerPool pool = WorkerPool.uniform(2, WORKER);
    SchedulableJob b = job("b-run", "b", 0, CORE_4G, 22);
    run(pool, running, b, 0, 0, 12, 0);
    run(pool, running, b, 1, 100, 10, 0);
    return pool;
  }

  @Test
  void aTenantBelowItsWeightedPartBackfillsBehindAReservationForItsLargeChunk() {
    Allocations running = new Allocations();
    WorkerPool pool = twoPartlyFullWorkers(running);
    // a's best job (HIGH) has 8-core chunks; its 1-core LOW job may backfill.
    WaitingJobs waiting =
        Fixtures.waiting(
            SchedulableJob.fresh("a-big", "a", Priority.HIGH, 99, 0, EIGHT_CORES, 2),
            SchedulableJob.fresh("a-small", "a", Priority.LOW, 0, 0, CORE_4G, 20));

    SchedulingDecision decision =
        new FairShareScheduler(SchedulerConfig.defaults().withoutPreemption())
            .schedule(NOW, pool, running, waiting);

    // Worker 1 (6 of the 8 cores free) is reserved for a-big and drains; worker 0's 4 free cores
    // take a-small's chunks.
    assertThat(decision.grants())
        .hasSize(4)
        .allSatisfy(
            g -> {
              assertThat(g.jobId()).isEqualTo("a-small");
              assertThat(g.worker()).isZero();
            });
  }

  /**
   * Two workers; a holds 16 of 32 cores (and half the memory), b 6: with equal weights a's part is
   * a half. 4 and 6 cores are free.
   */
  private static WorkerPool aHoldingItsPart(Allocations running) {
    WorkerPool pool = WorkerPool.uniform(2, WORKER);
    run(pool, running, job("b-run", "b", 0, CORE_4G, 6), 0, 0, 6, 0);
    run(pool, running, job("a-run", "a", 0, CORE_4G, 16), 0, 100, 6, 0);
    run(pool, running, job("a-run", "a", 0, CORE_4G, 16), 1, 200, 10, 0);
    return pool;
  }

  @Test
  void aTenantAtItsWeightedPartWaitsForItsLargeChunkWhileOthersWait() {
    Allocations running = new Allocations();
    WorkerPool pool = aHoldingItsPart(running);
    WaitingJobs waiting =
        Fixtures.waiting(
            SchedulableJob.fresh("a-big", "a", Priority.HIGH, 99, 0, EIGHT_CORES, 2),
            SchedulableJob.fresh("a-small", "a", Priority.LOW, 0, 0, CORE_4G, 20),
            job("b-big", "b", 0, EIGHT_CORES, 1));

    SchedulingDecision decision =
        new FairShareScheduler(SchedulerConfig.defaults().withoutPreemption())
            .schedule(NOW, pool, running, waiting);

    // a-big and b-big need 8 cores: a gets nothing, so its small chunks cannot keep a-big
    // waiting, and b's chunk fits nowhere either.
    assertThat(decision.grants()).isEmpty();
  }

  @Test
  void aTenantWhoseChunksAloneWaitBackfillsWhateverItHolds() {
    Allocations running = new Allocations();
    WorkerPool pool = aHoldingItsPart(running);
    WaitingJobs waiting =
        Fixtures.waiting(
            SchedulableJob.fresh("a-big", "a", Priority.HIGH, 99, 0, EIGHT_CORES, 2),
            SchedulableJob.fresh("a-small", "a", Priority.LOW, 0, 0, CORE_4G, 20));

    SchedulingDecision decision =
        new FairShareScheduler(SchedulerConfig.defaults().withoutPreemption())
            .schedule(NOW, pool, running, waiting);

    // Nobody else waits: worker 1 is reserved for a-big, worker 0's 4 cores go to a-small.
    assertThat(decision.grants())
        .extracting(Grant::jobId, Grant::worker)
        .containsExactly(
            tuple("a-small", 0), tuple("a-small", 0), tuple("a-small", 0), tuple("a-small", 0));
  }

  @Test
  void withLendingATenantAtItsMaximumTakesIdleCapacityOnlyWhileNoOtherTenantWaits() {
    SchedulerConfig lending =
        SchedulerConfig.defaults()
            .withTenantShares(List.of(new TenantShare("a", 1, 0, 0.25)))
            .lendingIdleCapacity();
    WorkerPool pool = WorkerPool.uniform(2, WORKER);

    SchedulingDecision alone =
        new FairShareScheduler(lending)
            .schedule(
                NOW, pool, new Allocations(), Fixtures.waiting(job("a", "a", 0, ONE_CORE, 100)));
    // b's second 16-core chunk fits nowhere once a's eight cores and b's first chunk are placed:
    // b still waits, so a stays at its maximum.
    SchedulingDecision notAlone =
        new FairShareScheduler(lending)
            .schedule(
                NOW,
                pool,
                new Allocations(),
                Fixtures.waiting(
                    job("a", "a", 0, ONE_CORE, 100),
                    job("b", "b", 0, new Demand(16, 16 * 1024, 0), 2)));

    assertThat(alone.grants()).hasSize(32);
    assertThat(notAlone.grants()).extracting(Grant::jobId).containsOnly("a", "b");
    assertThat(notAlone.grants().stream().filter(g -> g.jobId().equals("a"))).hasSize(8);
    assertThat(notAlone.grants().stream().filter(g -> g.jobId().equals("b"))).hasSize(1);
  }
}
