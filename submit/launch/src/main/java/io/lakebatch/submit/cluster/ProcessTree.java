package io.lakebatch.submit.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Finding and killing the processes a cluster started, never another process that reuses a pid. */
final class ProcessTree {
  /**
   * The OS reports start times in clock ticks; two readings of one process may differ by rounding.
   */
  private static final long START_TIME_TOLERANCE_MILLIS = 1_000;

  private ProcessTree() {}

  /** The process's start time in epoch millis, or -1 if the OS does not tell. */
  static long startedAtMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
  }

  /**
   * The live process with this pid, if it is the one that was started at {@code startedAtMillis}
   * and runs {@code mainClass}.
   */
  static Optional<ProcessHandle> find(long pid, long startedAtMillis, String mainClass) {
    return ProcessHandle.of(pid)
        .filter(ProcessTree::isRunning)
        .filter(
            p -> {
              long started = startedAtMillis(p);
              boolean sameStart =
                  started < 0
                      || startedAtMillis < 0
                      || Math.abs(started - startedAtMillis) <= START_TIME_TOLERANCE_MILLIS;
              return sameStart && arguments(p).map(args -> args.contains(mainClass)).orElse(true);
            });
  }

  /**
   * Whether the process runs: alive and not a zombie. A killed process whose parent is gone stays a
   * zombie until the init process reaps it (seconds on some machines); {@link
   * ProcessHandle#isAlive} counts it alive until then.
   */
  static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int afterName = stat.lastIndexOf(')');
      char state =
          afterName < 0 || afterName + 2 >= stat.length() ? '?' : stat.charAt(afterName + 2);
      return state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | UncheckedIOException e) {
      return process.isAlive(); // no /proc (not Linux): trust the JDK
    }
  }

  /** The command-line arguments of a process, when the OS lets this user read them. */
  static Optional<List<String>> arguments(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    return info.arguments()
        .map(List::of)
        .or(() -> info.commandLine().map(line -> List.of(line.split(" "))));
  }

  /**
   * SIGKILLs {@code root} (if any), every descendant it had, and every other process of this user
   * that {@code strays} matches (children that lost their parent in between), then waits for them
   * to be gone.
   */
  static int killForcibly(
      Optional<ProcessHandle> root, Predicate<ProcessHandle> strays, Duration wait) {
    List<ProcessHandle> killed = new ArrayList<>();
    root.ifPresent(
        process -> {
          // descendants first: once the root is dead its children are reparented and no longer
          // found
          List<ProcessHandle> descendants = process.descendants().toList();
          process.destroyForcibly();
          killed.add(process);
          descendants.forEach(ProcessHandle::destroyForcibly);
          killed.addAll(descendants);
        });
    ProcessHandle self = ProcessHandle.current();
    ProcessHandle.allProcesses()
        .filter(p -> !p.equals(self) && isRunning(p))
        .filter(strays)
        .forEach(
            p -> {
              p.destroyForcibly();
              killed.add(p);
            });
    // not onExit(): for a process that is not our child it polls from 300 ms up and counts zombies
    // alive
    long deadline = System.nanoTime() + wait.toNanos();
    while (killed.stream().anyMatch(ProcessTree::isRunning) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return killed.size();
  }
}
