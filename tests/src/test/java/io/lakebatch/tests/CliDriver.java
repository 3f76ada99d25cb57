package io.lakebatch.tests;

import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.submit.LakeBatchCli;
import io.lakebatch.udf.FaultInjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code lakebatch} commands run in a child JVM with the test classpath, so that a test can SIGKILL
 * a driver, and sees the exit codes and the printed text a user sees. Shared by the crash/resume
 * and fault-injection suites. Configure, then {@link #start} (a driver to kill) or {@link #run} (to
 * the end).
 */
public final class CliDriver {
  private final Path home;
  private final List<String> jvmOptions = new ArrayList<>();
  private final Map<String, String> properties = new LinkedHashMap<>();

  private CliDriver(Path home) {
    this.home = home;
  }

  /** Commands whose LakeBatch home (catalog, run folders) is {@code home}. */
  public static CliDriver withHome(Path home) {
    return new CliDriver(home);
  }

  /** A JVM option of the child, e.g. {@code -Xmx1g}. */
  public CliDriver jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** A system property of the child; {@code spark.*} ones reach its SparkConf. */
  public CliDriver property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  /**
   * Every first task attempt sleeps {@code millis} ({@link FaultInjection}): chunks score in a
   * fraction of a second, so a kill after some commits then lands well before the last one.
   */
  public CliDriver slowTasks(long millis) {
    return property(FaultInjection.PREFIX + "slow-task-rate", "1.0")
        .property(FaultInjection.PREFIX + "slow-task-millis", Long.toString(millis));
  }

  /**
   * Holds the driver where it has judged its run takeable, right before its swap: it writes {@code
   * folder/<pid>.ready} and waits until {@code folder/go} exists (the {@code TakeBarrier} hook).
   */
  public CliDriver takeBarrier(Path folder) {
    return property("spark.lakebatch.faults.take-barrier", folder.toString());
  }

  /**
   * {@code spark.lakebatch.driver.liveness-timeout}: how stale a holder's heartbeat must be to take
   * its run.
   */
  public CliDriver livenessTimeout(String sparkTime) {
    return property("spark.lakebatch.driver.liveness-timeout", sparkTime);
  }

  /**
   * C1 only and the serial collector: a short-lived driver starts in about half the time on two
   * busy cores; neither changes what the driver does or what a SIGKILL does.
   */
  public CliDriver fastStart() {
    return jvmOption("-XX:TieredStopAtLevel=1").jvmOption("-XX:+UseSerialGC");
  }

  /** Starts {@code lakebatch <args>}; its standard output and error go to {@code log}. */
  public Process start(Path log, String... args) throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SparkSessionFactory.JAVA_MODULE_FLAGS);
    command.add("-Xmx1g");
    command.addAll(jvmOptions);
    if (properties.keySet().stream().noneMatch("java.io.tmpdir"::equals)) {
      command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    }
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      command.add("-Dlog4j2.configurationFile=" + log4j);
    }
    command.add("-Dlakebatch.home=" + home);
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of("-cp", classpath, LakeBatchCli.class.getName()));
    command.addAll(List.of(args));
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  /** A command that ran to its end: its exit code, everything it printed, and how long it took. */
  public record Finished(int exitCode, String output, Duration elapsed) {}

  /** Runs {@code lakebatch <args>} to its end (killed and failed after {@code timeout}). */
  public Finished run(Path log, Duration timeout, String... args)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process process = start(log, args);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(process);
      throw new AssertionError(
          "lakebatch "
              + String.join(" ", args)
              + " did not end within "
              + timeout
              + "; its output:\n"
              + Files.readString(log));
    }
    return new Finished(
        process.exitValue(), Files.readString(log), Duration.ofNanos(System.nanoTime() - started));
  }

  /** SIGKILLs {@code process} (no shutdown hooks, no cleanup) and returns its exit code, 137. */
  public static int kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("process " + process.pid() + " still alive 30 s after SIGKILL");
    }
    return process.exitValue();
  }

  /**
   * Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to {@code process} with {@code kill
   * -SIGNAL pid}.
   */
  public static void signal(Process process, String signal)
      throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError(
          "kill -"
              + signal
              + " "
              + process.pid()
              + " failed: "
              + new String(kill.getInputStream().readAllBytes()));
    }
  }

  /**
   * Waits until the Delta table at {@code table} has at least {@code wanted} commits and returns
   * how many it has; fails when {@code driver} exits first (showing its output) or after {@code
   * timeout}.
   */
  public static int waitForCommits(
      Path table, int wanted, Process driver, Duration timeout, Path driverLog)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      int commits = commitFiles(table).size();
      if (commits >= wanted) {
        return commits;
      }
      if (!driver.isAlive()) {
        throw new AssertionError(
            "driver exited ("
                + driver.exitValue()
                + ") before "
                + wanted
                + " commits; its output:\n"
                + Files.readString(driverLog));
      }
      Thread.sleep(20); // polls the Delta log for the next commit file
    }
    throw new AssertionError("no " + wanted + " commits of " + table + " within " + timeout);
  }

  /**
   * Waits until the driver's output at {@code driverLog} holds {@code text} (e.g. an overwrite
   * run's "chunk 2/6 staged", which makes no Delta commit); fails when {@code driver} exits first
   * or after {@code timeout}.
   */
  public static void waitForOutput(Path driverLog, String text, Process driver, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(driverLog) && Files.readString(driverLog).contains(text)) {
        return;
      }
      if (!driver.isAlive()) {
        throw new AssertionError(
            "driver exited ("
                + driver.exitValue()
                + ") before printing '"
                + text
                + "'; its output:\n"
                + Files.readString(driverLog));
      }
      Thread.sleep(20); // polls the driver's output for the line
    }
    throw new AssertionError("no '" + text + "' from the driver within " + timeout);
  }

  /**
   * The JSON commit files of the Delta table at {@code table}, in version order; none when there is
   * no table.
   */
  public static List<Path> commitFiles(Path table) throws IOException {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(log)) {
      return files
          .filter(p -> p.getFileName().toString().matches("\\d{20}\\.json"))
          .sorted()
          .toList();
    }
  }

  /**
   * The latest version of the Delta table at {@code table} from its log's file names; -1 when there
   * is none.
   */
  public static long latestVersion(Path table) throws IOException {
    List<Path> commits = commitFiles(table);
    if (commits.isEmpty()) {
      return -1;
    }
    String name = commits.get(commits.size() - 1).getFileName().toString();
    return Long.parseLong(name.substring(0, name.indexOf('.')));
  }
}
