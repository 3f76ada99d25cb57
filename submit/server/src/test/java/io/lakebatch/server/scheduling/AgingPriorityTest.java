package io.lakebatch.server.scheduling;

import static io.lakebatch.server.scheduling.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.spec.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AgingPriorityTest {
  private static final long SECOND = 1_000;
  private final AgingPriority aging = new AgingPriority(SECOND, AgingPriority.FULL_BOOST);

  private List<String> sorted(long now, SchedulableJob... jobs) {
    List<SchedulableJob> list = new ArrayList<>(List.of(jobs));
    list.sort(aging.order(now));
    return list.stream().map(SchedulableJob::id).toList();
  }

  @Test
  void freshJobsRankByClass() {
    SchedulableJob low = job("low", "t", Priority.LOW, 99, 0);
    SchedulableJob normal = job("normal", "t", Priority.NORMAL, 0, 0);
    SchedulableJob high = job("high", "t", Priority.HIGH, 0, 0);

    assertThat(sorted(0, low, normal, high)).containsExactly("high", "normal", "low");
    assertThat(aging.effective(high, 0)).isEqualTo(2000);
    assertThat(aging.effective(normal, 0)).isEqualTo(1000);
    assertThat(aging.effective(low, 0)).isEqualTo(99);
  }

  @Test
  void valueOrdersWithinAClassAndAgeBreaksTies() {
    SchedulableJob five = job("five", "t", Priority.NORMAL, 5, 0);
    SchedulableJob seventy = job("seventy", "t", Priority.NORMAL, 70, 0);
    SchedulableJob seventyOlder = job("seventy-older", "t", Priority.NORMAL, 70, -1);

    assertThat(sorted(0, five, seventy, seventyOlder))
        .containsExactly("seventy-older", "seventy", "five");
  }

  @Test
  void aLowJobThatWaitedLongEnoughOvertakesAFreshNormalOne() {
    long wait = aging.waitToOutrank(Priority.LOW, 10, Priority.NORMAL, 40).orElseThrow();
    assertThat(wait).isEqualTo((1000 + 40 - 10) * SECOND);

    SchedulableJob low = job("low", "t", Priority.LOW, 10, 0);
    SchedulableJob normalJustBefore = job("normal", "t", Priority.NORMAL, 40, wait - 1);
    SchedulableJob normalAtTheMoment = job("normal", "t", Priority.NORMAL, 40, wait);

    assertThat(sorted(wait - 1, low, normalJustBefore)).containsExactly("normal", "low");
    assertThat(sorted(wait, low, normalAtTheMoment)).containsExactly("low", "normal");
  }

  @Test
  void theWorstCaseWaitOfALowJobIsComputable() {
    long bound = aging.maxWaitBeforeOvertaking(Priority.LOW).orElseThrow();
    assertThat(bound).isEqualTo(1099 * SECOND);
    // NORMAL is capped at the HIGH base and never outranks a fresh HIGH job.
    assertThat(aging.maxWaitBeforeOvertaking(Priority.NORMAL)).isEmpty();
    assertThat(aging.maxWaitBeforeOvertaking(Priority.HIGH)).isEmpty();

    // At the bound the worst LOW job outranks every fresh NORMAL job, and no sooner.
    SchedulableJob worstLow = job("low", "t", Priority.LOW, 0, 0);
    for (int value = 0; value <= SchedulableJob.MAX_VALUE; value++) {
      SchedulableJob fresh = job("normal-" + value, "t", Priority.NORMAL, value, bound);
      assertThat(sorted(bound, worstLow, fresh).get(0)).isEqualTo("low");
    }
    SchedulableJob bestFresh = job("normal", "t", Priority.NORMAL, 99, bound - 1);
    assertThat(sorted(bound - 1, worstLow, bestFresh)).containsExactly("normal", "low");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1_000, 1_999_999, 2_000_000, 86_400_000})
  void anAgedLowJobNeverExceedsAFreshHighJob(long waited) {
    SchedulableJob low = job("low", "t", Priority.LOW, 99, 0);
    SchedulableJob freshHigh = job("high", "t", Priority.HIGH, 0, waited);

    assertThat(aging.effective(low, waited))
        .isLessThanOrEqualTo(aging.effective(freshHigh, waited));
    assertThat(sorted(waited, low, freshHigh)).containsExactly("high", "low");
    assertThat(aging.waitToOutrank(Priority.LOW, 99, Priority.HIGH, 0)).isEmpty();
  }

  @Test
  void aLowJobReachesTheHighBaseAfterTheDocumentedWait() {
    SchedulableJob low = job("low", "t", Priority.LOW, 0, 0);
    assertThat(aging.effective(low, 1_999 * SECOND)).isEqualTo(1999);
    assertThat(aging.effective(low, 2_000 * SECOND)).isEqualTo(2000);
    assertThat(aging.effective(low, 100_000 * SECOND)).isEqualTo(2000);
  }

  @Test
  void amongLongWaitingJobsTheOldestGoesFirst() {
    SchedulableJob oldLow = job("old-low", "t", Priority.LOW, 0, 0);
    SchedulableJob youngerNormal = job("younger-normal", "t", Priority.NORMAL, 99, 60 * SECOND);
    long now = 10_000 * SECOND;

    assertThat(aging.effective(oldLow, now)).isEqualTo(aging.effective(youngerNormal, now));
    assertThat(sorted(now, youngerNormal, oldLow)).containsExactly("old-low", "younger-normal");
  }

  @Test
  void theBoostIsCapped() {
    AgingPriority small = new AgingPriority(SECOND, 100);
    SchedulableJob low = job("low", "t", Priority.LOW, 0, 0);
    assertThat(small.effective(low, 1_000_000 * SECOND)).isEqualTo(100);
    assertThat(small.waitToOutrank(Priority.LOW, 0, Priority.NORMAL, 0)).isEmpty();
    assertThat(small.waitToOutrank(Priority.NORMAL, 0, Priority.NORMAL, 99)).hasValue(99 * SECOND);
  }

  @Test
  void rejectsInvalidSettings() {
    assertThatThrownBy(() -> new AgingPriority(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aging rate");
    assertThatThrownBy(() -> new AgingPriority(SECOND, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max aging boost");
  }
}
