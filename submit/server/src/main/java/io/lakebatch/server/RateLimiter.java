package io.lakebatch.server;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per tenant: {@code requests-per-minute} tokens, refilled continuously; a request
 * without a token is refused with the seconds until the next one.
 */
final class RateLimiter {
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * Takes a token of {@code tenant}'s bucket.
   *
   * @return empty when granted, else the seconds to wait
   */
  OptionalLong acquire(String tenant, int perMinute) {
    return buckets
        .computeIfAbsent(tenant, t -> new Bucket(perMinute, nanoClock.getAsLong()))
        .take(perMinute, nanoClock.getAsLong());
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(int capacity, long now) {
      this.tokens = capacity;
      this.last = now;
    }

    synchronized OptionalLong take(int perMinute, long now) {
      double perNano = perMinute / 60e9;
      tokens = Math.min(perMinute, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return OptionalLong.empty();
      }
      return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9)));
    }
  }
}
