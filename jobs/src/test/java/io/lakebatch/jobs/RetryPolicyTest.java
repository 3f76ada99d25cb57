package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RetryPolicyTest {
  private final List<Duration> slept = new ArrayList<>();
  private final RetryPolicy.Sleeper recorder = slept::add;

  private RetryPolicy policy(int attemptsPerChunk, int runRetries) {
    return new RetryPolicy(attemptsPerChunk, runRetries, recorder, new SplittableRandom(7));
  }

  @Test
  void aTransientErrorIsRetriedUntilTheChunksAttemptsAreUsed() {
    RetryPolicy policy = policy(3, 10);
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 1))
        .isEqualTo(RetryPolicy.Decision.RETRY);
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 2))
        .isEqualTo(RetryPolicy.Decision.RETRY);
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 3))
        .isEqualTo(RetryPolicy.Decision.GIVE_UP);
    assertThat(policy.runRetriesLeft()).isEqualTo(8);
  }

  @Test
  void theRunsBudgetIsSharedByItsChunksAndNamedWhenUsedUp() {
    RetryPolicy policy = policy(5, 2);
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 1))
        .isEqualTo(RetryPolicy.Decision.RETRY); // chunk a
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 1))
        .isEqualTo(RetryPolicy.Decision.RETRY); // chunk b
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 2))
        .isEqualTo(RetryPolicy.Decision.GIVE_UP_RUN_BUDGET_USED);
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 1))
        .isEqualTo(RetryPolicy.Decision.GIVE_UP_RUN_BUDGET_USED);
    assertThat(policy.runRetriesLeft()).isZero();
  }

  @Test
  void aChunkWithOneAttemptIsNeverRetriedAndTakesNothingFromTheBudget() {
    RetryPolicy policy = policy(1, 4);
    assertThat(policy.afterFailure(ErrorCategory.TRANSIENT, 1))
        .isEqualTo(RetryPolicy.Decision.GIVE_UP);
    assertThat(policy.runRetriesLeft()).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(
      value = ErrorCategory.class,
      names = {"USER", "INTERNAL"})
  void userAndInternalErrorsFailTheRun(ErrorCategory category) {
    assertThat(policy(3, 3).afterFailure(category, 1)).isEqualTo(RetryPolicy.Decision.FAIL_RUN);
  }

  @ParameterizedTest
  @EnumSource(
      value = ErrorCategory.class,
      names = {"DATA", "CONFLICT", "UNAVAILABLE"})
  void otherPermanentErrorsFailTheChunkAtOnce(ErrorCategory category) {
    RetryPolicy policy = policy(3, 3);
    assertThat(policy.afterFailure(category, 1)).isEqualTo(RetryPolicy.Decision.GIVE_UP);
    assertThat(policy.runRetriesLeft()).isEqualTo(3);
  }

  @Test
  void backoffDoublesPerAttemptWithJitterInTheCapsUpperHalfUpToThirtySeconds() {
    RetryPolicy policy = policy(10, 10);
    long[] caps = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
    for (int attempt = 1; attempt <= caps.length; attempt++) {
      for (int draw = 0; draw < 200; draw++) {
        assertThat(policy.backoff(attempt).toMillis())
            .as("attempt %d", attempt)
            .isBetween(caps[attempt - 1] / 2, caps[attempt - 1]);
      }
    }
  }

  @Test
  void jitterSpreadsWaitsAndFollowsTheInjectedRandom() {
    RetryPolicy a = policy(3, 3);
    RetryPolicy b = policy(3, 3);
    List<Long> first = new ArrayList<>();
    List<Long> second = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      first.add(a.backoff(3).toMillis());
      second.add(b.backoff(3).toMillis());
    }
    assertThat(first).isEqualTo(second);
    assertThat(first.stream().distinct().count()).isGreaterThan(10);
  }

  @Test
  void awaitBackoffSleepsThroughTheSleeper() {
    RandomGenerator top =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            return 0;
          }

          @Override
          public long nextLong(long origin, long bound) {
            return bound - 1;
          }
        };
    RetryPolicy policy = new RetryPolicy(3, 3, recorder, top);
    policy.awaitBackoff(1);
    policy.awaitBackoff(2);
    assertThat(slept).containsExactly(Duration.ofMillis(1_000), Duration.ofMillis(2_000));
  }

  @Test
  void anInterruptedBackoffFailsAsInternalAndKeepsTheInterrupt() {
    RetryPolicy policy =
        new RetryPolicy(
            3,
            3,
            d -> {
              throw new InterruptedException("stop");
            },
            new SplittableRandom(1));
    try {
      assertThatThrownBy(() -> policy.awaitBackoff(1))
          .isInstanceOf(LakeBatchException.class)
          .satisfies(
              e ->
                  assertThat(((LakeBatchException) e).category()).isEqualTo(ErrorCategory.INTERNAL))
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> policy(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempts");
    assertThatThrownBy(() -> policy(1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runRetries");
    assertThatThrownBy(() -> policy(1, 1).backoff(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
