package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.config.LakeBatchSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the benchmark starts {@code lakebatch} in a new JVM for path (e): the java command, JVM
 * options and classpath, up to and including the CLI's main class. Built from the running JVM, so
 * the child gets the same options a user's {@code ./lakebatch} gets (heap, module flags, the
 * class-data-sharing archive when the launcher maps one), minus profilers and debuggers.
 *
 * @param command the command up to the CLI's arguments
 */
public record CliLauncher(List<String> command) {
  public CliLauncher {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("CLI launcher command is empty");
    }
  }

  /** JVM options of this JVM the child must not inherit: recordings, archives dumped, agents. */
  private static final List<String> NOT_INHERITED =
      List.of(
          "-XX:StartFlightRecording",
          "-XX:ArchiveClassesAtExit",
          "-agentlib",
          "-agentpath",
          "-javaagent",
          "-Dlakebatch.home=");

  /** The running JVM's java, options and classpath, starting {@code mainClass}. */
  public static CliLauncher fromThisJvm(String mainClass) {
    requireNonNull(mainClass, "mainClass is null");
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (NOT_INHERITED.stream().noneMatch(option::startsWith)) {
        command.add(option);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    return new CliLauncher(command);
  }

  /** The full command: {@code lakebatch} with {@code home} as its home folder and {@code args}. */
  List<String> commandLine(Path home, List<String> args) {
    List<String> line = new ArrayList<>(command);
    line.add(
        line.size() - 3,
        "-D" + LakeBatchSettings.HOME_PROPERTY.key() + "=" + home.toAbsolutePath());
    line.addAll(args);
    return line;
  }

  /**
   * Whether the child maps a class-data-sharing archive (as {@code ./lakebatch} does once built).
   */
  boolean classDataSharing() {
    return command.stream().anyMatch(option -> option.startsWith("-XX:SharedArchiveFile="));
  }
}
