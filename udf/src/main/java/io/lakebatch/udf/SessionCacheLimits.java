package io.lakebatch.udf;

/**
 * How much the JVM-wide {@link OrtSessionCache} keeps: at most {@code maxSessions} sessions and, as
 * far as it can, at most {@code maxModelBytes} bytes of model files among them (a session's native
 * memory is of the order of its model file). The least recently used sessions go first; the one
 * just loaded always stays, even when it alone is over the byte limit.
 */
public record SessionCacheLimits(int maxSessions, long maxModelBytes) {
  /** The defaults: a few models per executor at once, a few GiB of them. */
  public static final SessionCacheLimits DEFAULT = new SessionCacheLimits(8, 4L << 30);

  public SessionCacheLimits {
    if (maxSessions <= 0) {
      throw new IllegalArgumentException(
          "Invalid maximum sessions (negative or 0): " + maxSessions);
    }
    if (maxModelBytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid maximum model bytes (negative or 0): " + maxModelBytes);
    }
  }
}
