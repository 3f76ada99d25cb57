package io.lakebatch.catalog.store;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The driver process that holds a run, written {@code pid@host#start}: its pid, its host and the
 * instant its process started, so that a process which later gets the same pid is a different
 * owner. Owners written before start instants were recorded ({@code pid@host}) still parse, without
 * one.
 */
public record RunOwner(long pid, String host, Optional<Instant> startedAt) {
  /**
   * How long a driver may go without a heartbeat (by the catalog database's clock) before it counts
   * as gone.
   */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The OS reports start times in clock ticks from its boot time; two readings may differ by
   * rounding.
   */
  private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

  private static final char START_SEPARATOR = '#';

  public RunOwner {
    requireNonNull(host, "host is null");
    requireNonNull(startedAt, "startedAt is null");
    if (host.isEmpty() || host.indexOf(START_SEPARATOR) >= 0) {
      throw new IllegalArgumentException("invalid host name of a run owner: '" + host + "'");
    }
    startedAt = startedAt.map(s -> s.truncatedTo(ChronoUnit.MILLIS));
  }

  /** This process. */
  public static RunOwner current() {
    return of(ProcessHandle.current());
  }

  /** A process of this host, with its start instant when the OS tells it. */
  public static RunOwner of(ProcessHandle process) {
    return new RunOwner(process.pid(), localHost(), process.info().startInstant());
  }

  /** Reads {@code pid@host#start} or {@code pid@host}; empty when {@code text} is neither. */
  public static Optional<RunOwner> parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0) {
      return Optional.empty();
    }
    int separator = text.indexOf(START_SEPARATOR, at);
    String host = separator < 0 ? text.substring(at + 1) : text.substring(at + 1, separator);
    try {
      Optional<Instant> startedAt =
          separator < 0
              ? Optional.empty()
              : Optional.of(Instant.parse(text.substring(separator + 1)));
      return Optional.of(new RunOwner(Long.parseLong(text.substring(0, at)), host, startedAt));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Why this owner no longer holds its run, or empty while it may still hold it. It is gone when
   * its process on this host has exited or its pid now belongs to a process started at another
   * instant, or when its last heartbeat is {@code timeout} old or older (or it has none). A driver
   * that is alive but stopped (SIGSTOP, a long pause) is gone once its heartbeat is that old.
   *
   * @param heartbeatAge how old its last heartbeat is, measured by the catalog database's clock
   */
  public Optional<String> goneReason(Optional<Duration> heartbeatAge, Duration timeout) {
    Optional<String> processGone = host.equals(localHost()) ? processGone() : Optional.empty();
    if (processGone.isPresent()) {
      return processGone;
    }
    if (heartbeatAge.isEmpty()) {
      return Optional.of("it has no heartbeat");
    }
    Duration age = heartbeatAge.get();
    return age.compareTo(timeout) >= 0
        ? Optional.of(
            "heartbeat " + age.toSeconds() + " s old, timeout " + timeout.toSeconds() + " s")
        : Optional.empty();
  }

  private Optional<String> processGone() {
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return Optional.of("process " + pid + " has exited");
    }
    Optional<Instant> liveStart = process.get().info().startInstant();
    if (startedAt.isPresent()
        && liveStart.isPresent()
        && Duration.between(startedAt.get(), liveStart.get()).abs().compareTo(START_TOLERANCE)
            > 0) {
      return Optional.of("pid " + pid + " now belongs to a process started at " + liveStart.get());
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return pid + "@" + host + startedAt.map(s -> START_SEPARATOR + s.toString()).orElse("");
  }

  private static String localHost() {
    return LocalHost.NAME;
  }

  /** Looked up once, on first use: a name lookup may be slow. */
  private static final class LocalHost {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "localhost";
      }
    }
  }
}
