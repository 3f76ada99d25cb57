package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RateLimiterTest {
  @Test
  void aTenantGetsItsRatePerMinuteThenWaitsWhileOthersDoNot() {
    AtomicLong now = new AtomicLong();
    RateLimiter limiter = new RateLimiter(now::get);

    for (int i = 0; i < 60; i++) {
      assertThat(limiter.acquire("a", 60)).as("request %d", i).isEmpty();
    }
    assertThat(limiter.acquire("a", 60)).hasValue(1);
    assertThat(limiter.acquire("b", 60)).as("another tenant's bucket").isEmpty();

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(limiter.acquire("a", 60)).as("one token refilled after a second").isEmpty();
    assertThat(limiter.acquire("a", 60)).isPresent();

    now.addAndGet(TimeUnit.MINUTES.toNanos(10));
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.acquire("a", 60)).isEmpty();
    }
    assertThat(limiter.acquire("a", 60)).as("the bucket holds one minute, not ten").isPresent();
  }
}
