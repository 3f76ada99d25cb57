package io.lakebatch.catalog.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The driver process that holds a run: {@code pid@host}. A run left RUNNING by a process that is
 * gone may be resumed by another one.
 */
public record RunOwner(long pid, String host) {
  /** How long a driver on another host may go without a heartbeat before its run counts as lost. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);

  public static RunOwner current() {
    return new RunOwner(ProcessHandle.current().pid(), hostName());
  }

  public static Optional<RunOwner> parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RunOwner(Long.parseLong(text.substring(0, at)), text.substring(at + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether this owner still holds its run: on this host, whether its process is alive; elsewhere,
   * whether its last heartbeat is recent.
   */
  public boolean isAlive(Optional<Instant> lastHeartbeat, Instant now) {
    if (host.equals(hostName())) {
      return pid == ProcessHandle.current().pid()
          || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    return lastHeartbeat.map(h -> h.plus(HEARTBEAT_TIMEOUT).isAfter(now)).orElse(false);
  }

  @Override
  public String toString() {
    return pid + "@" + host;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
