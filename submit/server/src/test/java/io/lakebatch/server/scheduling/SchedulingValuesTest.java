package io.lakebatch.server.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lakebatch.catalog.spec.Priority;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SchedulingValuesTest {
  @Test
  void theDominantShareIsTheLargestFractionOfAnyResource() {
    Demand capacity = new Demand(100, 1000, 10);

    assertThat(new Demand(10, 50, 0).dominantShare(capacity)).isCloseTo(0.10, within(1e-12));
    assertThat(new Demand(10, 500, 0).dominantShare(capacity)).isCloseTo(0.50, within(1e-12));
    assertThat(new Demand(1, 10, 3).dominantShare(capacity)).isCloseTo(0.30, within(1e-12));
    assertThat(Demand.ZERO.dominantShare(capacity)).isZero();
    assertThat(new Demand(1, 1, 1).dominantShare(new Demand(10, 10, 0))).isInfinite();
    assertThat(new Demand(1, 1, 0).dominantShare(new Demand(10, 10, 0)))
        .isCloseTo(0.1, within(1e-12));
  }

  @Test
  void demandsAddAndFit() {
    Demand a = new Demand(2, 100, 1);
    assertThat(a.plus(a)).isEqualTo(a.times(2));
    assertThat(a.times(3).minus(a)).isEqualTo(a.times(2));
    assertThat(a.fitsIn(new Demand(2, 100, 1))).isTrue();
    assertThat(a.fitsIn(new Demand(2, 100, 0))).isFalse();
    assertThatThrownBy(() -> a.minus(a.times(2))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jobsAreValidated() {
    Demand d = new Demand(1, 1, 0);
    assertThatThrownBy(() -> SchedulableJob.fresh("j", "t", Priority.LOW, 100, 0, d, 1))
        .hasMessageContaining("priority value for job j");
    assertThatThrownBy(() -> SchedulableJob.fresh("j", "t", Priority.LOW, 0, 0, d, 0))
        .hasMessageContaining("chunk count");
    assertThatThrownBy(() -> new SchedulableJob("j", "t", Priority.LOW, 0, 0, d, 2, 3))
        .hasMessageContaining("remaining chunks");
    assertThatThrownBy(() -> SchedulableJob.fresh("j", "t", Priority.LOW, 0, 0, Demand.ZERO, 1))
        .hasMessageContaining("zero");
  }

  @Test
  void tenantSharesAreValidated() {
    assertThat(new TenantShare("a", 2, 0.25, 0.5).guaranteed()).isEqualTo(0.25);
    assertThatThrownBy(() -> new TenantShare("a", 0, 0, 1)).hasMessageContaining("weight");
    assertThatThrownBy(() -> new TenantShare("a", 1, -0.1, 1)).hasMessageContaining("guaranteed");
    assertThatThrownBy(() -> new TenantShare("a", 1, 0, 0)).hasMessageContaining("maximum");
    assertThatThrownBy(() -> new TenantShare("a", 1, 0.6, 0.5))
        .hasMessageContaining("guaranteed 0.6 above maximum 0.5");
  }

  @Test
  void theDefaultsAreRecordedInOnePlace() {
    SchedulerConfig defaults = SchedulerConfig.defaults();

    assertThat(defaults.agingMillisPerPoint()).isEqualTo(1_000);
    assertThat(defaults.maxAgingBoost()).isEqualTo(2_000);
    assertThat(defaults.tenantShares()).isEmpty();
    assertThat(defaults.shareOf("anyone")).isEqualTo(new TenantShare("anyone", 1, 0, 1));
    assertThat(defaults.preemptionEnabled()).isTrue();
    assertThat(defaults.preemptionGraceMillis()).isEqualTo(60_000);
    assertThat(defaults.lendsIdleCapacity()).isFalse();
    assertThat(defaults.lendingIdleCapacity().lendsIdleCapacity()).isTrue();
    assertThat(defaults.lendingIdleCapacity().withoutPreemption().lendsIdleCapacity()).isTrue();
  }

  @Test
  void namedTenantsHaveTheirSharesAndGuaranteesCannotExceedTheCluster() {
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withTenantShares(List.of(new TenantShare("a", 3, 0.2, 0.5)))
            .withoutPreemption();

    assertThat(config.shareOf("a")).isEqualTo(new TenantShare("a", 3, 0.2, 0.5));
    assertThat(config.shareOf("b").weight()).isEqualTo(1);
    assertThat(config.preemptionEnabled()).isFalse();
    assertThatThrownBy(
            () ->
                SchedulerConfig.defaults()
                    .withTenantShares(
                        List.of(new TenantShare("a", 1, 0.6, 1), new TenantShare("b", 1, 0.6, 1))))
        .hasMessageContaining("guarantees add up to more than 1");
    assertThatThrownBy(
            () ->
                new SchedulerConfig(
                    1,
                    1,
                    Map.of("a", TenantShare.weighted("b", 1)),
                    TenantShare.weighted("*", 1),
                    true,
                    0))
        .hasMessageContaining("key a holds the share of b");
  }

  @Test
  void waitingJobsKeepTheirOrdersAndDemand() {
    Demand two = new Demand(2, 10, 0);
    SchedulableJob lowOld = SchedulableJob.fresh("low-old", "a", Priority.LOW, 90, 0, two, 2);
    SchedulableJob highNew = SchedulableJob.fresh("high-new", "b", Priority.HIGH, 1, 5, two, 1);
    SchedulableJob normal = SchedulableJob.fresh("normal", "a", Priority.NORMAL, 3, 2, two, 3);
    WaitingJobs waiting = Fixtures.waiting(normal, highNew, lowOld);

    assertThat(waiting.inSubmissionOrder())
        .extracting(w -> w.job().id())
        .containsExactly("low-old", "normal", "high-new");
    assertThat(waiting.inClassThenValueOrder())
        .extracting(w -> w.job().id())
        .containsExactly("high-new", "normal", "low-old");
    assertThat(waiting.tenants()).containsExactly("a", "b");
    assertThat(waiting.demandOf("a")).isEqualTo(two.times(5));
    assertThat(waiting.chunkCount()).isEqualTo(6);

    waiting.takeChunk("high-new");
    assertThat(waiting.tenants()).containsExactly("a");
    assertThat(waiting.waitingChunks("high-new")).isZero();
    waiting.addChunks(highNew, 1);
    assertThat(waiting.inSubmissionOrder())
        .extracting(w -> w.job().id())
        .containsExactly("low-old", "normal", "high-new");
    assertThatThrownBy(() -> waiting.takeChunk("nope")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void workersPlaceCpuChunksAwayFromGpus() {
    WorkerPool pool =
        WorkerPool.of(List.of(new Demand(4, 100, 2), new Demand(4, 100, 0), new Demand(4, 100, 0)));

    assertThat(pool.place(new Demand(4, 10, 0))).isEqualTo(1);
    assertThat(pool.place(new Demand(1, 10, 1))).isZero();
    pool.take(1, new Demand(4, 10, 0));
    pool.take(2, new Demand(4, 10, 0));
    assertThat(pool.place(new Demand(4, 10, 0))).isZero();
    assertThat(pool.place(new Demand(5, 10, 0))).isEqualTo(-1);

    WorkerPool copy = pool.copy();
    copy.take(0, new Demand(4, 10, 0));
    assertThat(pool.free().cores()).isEqualTo(4);
    assertThat(copy.free().cores()).isZero();
    assertThatThrownBy(() -> pool.markDown(1)).isInstanceOf(IllegalStateException.class);
    pool.markDown(0);
    assertThat(pool.capacity()).isEqualTo(new Demand(8, 200, 0));
    assertThat(pool.place(new Demand(1, 1, 0))).isEqualTo(-1);
  }

  @Test
  void workersPlaceBestFitLeavingTheLeastMemoryFree() {
    Demand worker = new Demand(16, 64 * 1024, 0);
    WorkerPool pool =
        WorkerPool.of(List.of(worker, worker, worker, worker.plus(new Demand(0, 0, 4))));
    pool.take(0, new Demand(2, 16 * 1024, 0)); // 48 GiB free
    pool.take(1, new Demand(4, 44 * 1024, 0)); // 20 GiB free
    pool.take(3, new Demand(12, 56 * 1024, 0)); // 8 GiB free, with GPUs

    // The tightest worker without GPUs that fits: 16 GiB on worker 1, 32 GiB only on 0 or 2.
    assertThat(pool.place(new Demand(4, 16 * 1024, 0))).isEqualTo(1);
    assertThat(pool.place(new Demand(4, 32 * 1024, 0))).isZero();
    // Worker 3 is tighter still, but a CPU chunk leaves GPU workers alone while another fits.
    assertThat(pool.place(new Demand(1, 4 * 1024, 0))).isEqualTo(1);
    pool.take(0, new Demand(14, 48 * 1024, 0));
    pool.take(1, new Demand(12, 20 * 1024, 0));
    pool.take(2, new Demand(16, 64 * 1024, 0));
    assertThat(pool.place(new Demand(1, 4 * 1024, 0))).isEqualTo(3);
    // Equal room: the first worker in order.
    WorkerPool idle = WorkerPool.uniform(3, worker);
    assertThat(idle.place(new Demand(1, 1024, 0))).isZero();
  }
}
