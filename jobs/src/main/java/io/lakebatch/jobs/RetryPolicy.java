package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.RetrySpec;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * When a failed chunk attempt is tried again: transient errors only, within the chunk's attempts
 * ({@code retries.chunk} + 1) and the run's budget of retries ({@code retries.job}, shared by all
 * chunks of one run attempt), after an exponential backoff with jitter. User and internal errors
 * fail the run; other errors (data, conflict, an unavailable catalog) fail the chunk at once.
 *
 * <p>One instance per run attempt (it holds the run's budget); safe to share between threads.
 */
final class RetryPolicy {
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Waits; {@link Thread#sleep} in production, a recorder in tests. */
  @FunctionalInterface
  interface Sleeper {
    Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
  }

  /** What to do after an attempt failed. */
  enum Decision {
    /** The error is not a chunk's failure (a bad spec, a bug): fail the run with it. */
    FAIL_RUN,
    /** Wait {@link #backoff(int)} and try the chunk again. */
    RETRY,
    /** Record the chunk as failed; the run goes on with the next chunk. */
    GIVE_UP,
    /**
     * As {@link #GIVE_UP}, for a transient error the chunk had attempts left for, but the run's
     * budget was used up.
     */
    GIVE_UP_RUN_BUDGET_USED
  }

  private final int attemptsPerChunk;
  private final AtomicInteger runRetriesLeft;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  RetryPolicy(int attemptsPerChunk, int runRetries, Sleeper sleeper, RandomGenerator random) {
    if (attemptsPerChunk < 1) {
      throw new IllegalArgumentException(
          "attemptsPerChunk must be at least 1: " + attemptsPerChunk);
    }
    if (runRetries < 0) {
      throw new IllegalArgumentException("runRetries must not be negative: " + runRetries);
    }
    this.attemptsPerChunk = attemptsPerChunk;
    this.runRetriesLeft = new AtomicInteger(runRetries);
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
    this.random = requireNonNull(random, "random is null");
  }

  /** The policy of a spec's {@code execution.retries}, sleeping for real. */
  static RetryPolicy of(RetrySpec retries) {
    return new RetryPolicy(
        retries.chunk() + 1, retries.job(), Sleeper.THREAD, ThreadLocalRandom.current());
  }

  /**
   * Decides after attempt {@code attempt} (from 1) failed with an error of {@code category}; a
   * {@link Decision#RETRY} takes one retry from the run's budget.
   */
  Decision afterFailure(ErrorCategory category, int attempt) {
    requireNonNull(category, "category is null");
    if (category == ErrorCategory.USER || category == ErrorCategory.INTERNAL) {
      return Decision.FAIL_RUN;
    }
    if (!category.retryable() || attempt >= attemptsPerChunk) {
      return Decision.GIVE_UP;
    }
    int left = runRetriesLeft.getAndUpdate(n -> n > 0 ? n - 1 : n);
    return left > 0 ? Decision.RETRY : Decision.GIVE_UP_RUN_BUDGET_USED;
  }

  /** Retries left in the run's budget. */
  int runRetriesLeft() {
    return runRetriesLeft.get();
  }

  /**
   * The wait before attempt {@code failedAttempt + 1}: a cap doubling from {@link #FIRST_BACKOFF}
   * per attempt up to {@link #MAX_BACKOFF}, and a uniform draw from its upper half (so chunks
   * failing together do not retry together).
   */
  Duration backoff(int failedAttempt) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("failedAttempt counts from 1: " + failedAttempt);
    }
    long cap =
        Math.min(
            MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failedAttempt - 1, 5));
    return Duration.ofMillis(random.nextLong(cap / 2, cap + 1));
  }

  /** Waits {@link #backoff(int)}; an interrupt fails the run. */
  void awaitBackoff(int failedAttempt) {
    try {
      sleeper.sleep(backoff(failedAttempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted while waiting to retry", e);
    }
  }
}
