package io.lakebatch.submit;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.jobs.RuntimeJar;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.planner.SparkResourceConf;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Builds the {@code java ... org.apache.spark.deploy.SparkSubmit ...} command for a job. */
final class SparkSubmitCommand {
  static final List<String> MODULE_FLAGS = SparkSessionFactory.JAVA_MODULE_FLAGS;

  private SparkSubmitCommand() {}

  static List<String> build(
      JobSpec spec,
      ResourceSpec resources,
      Path specFile,
      List<String> extraConf,
      io.lakebatch.api.RunStart start) {
    String classpath = System.getProperty("java.class.path");
    List<String> jars =
        Arrays.stream(classpath.split(File.pathSeparator)).filter(p -> p.endsWith(".jar")).toList();
    String appJar =
        jars.stream()
            .filter(j -> new File(j).getName().startsWith("lakebatch-cli"))
            .findFirst()
            .orElseThrow(
                () ->
                    LakeBatchErrors.usage(
                        "submit needs the packaged lakebatch-cli jar on the classpath; use ./lakebatch"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(MODULE_FLAGS);
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      command.add("-Dlog4j2.configurationFile=" + log4j);
    }
    Optional<Path> runtimeJar = RuntimeJar.location();
    runtimeJar.ifPresent(jar -> command.add("-D" + RuntimeJar.PROPERTY + "=" + jar));
    command.addAll(List.of("-cp", classpath, "org.apache.spark.deploy.SparkSubmit"));
    command.addAll(List.of("--master", resources.master(), "--deploy-mode", "client"));
    command.addAll(List.of("--name", "lakebatch " + spec.name()));
    command.addAll(List.of("--class", LakeBatchCli.class.getName()));
    command.addAll(
        List.of("--conf", "spark.driver.extraJavaOptions=" + String.join(" ", MODULE_FLAGS)));
    command.addAll(
        List.of("--conf", "spark.executor.extraJavaOptions=" + String.join(" ", MODULE_FLAGS)));
    if (!resources.isLocal()) {
      // Executors get the runtime jar alone; without one (a build that has none) the whole
      // classpath.
      command.addAll(
          List.of(
              "--jars",
              runtimeJar
                  .map(Path::toString)
                  .orElseGet(
                      () ->
                          jars.stream()
                              .filter(j -> !j.equals(appJar))
                              .collect(Collectors.joining(",")))));
      SparkResourceConf.of(
              resources, spec.execution().retries().task(), spec.execution().speculation())
          .forEach(
              (key, value) -> {
                if (!key.equals("spark.master")) {
                  command.addAll(List.of("--conf", key + "=" + value));
                }
              });
    }
    for (String entry : extraConf) {
      command.addAll(List.of("--conf", entry));
    }
    command.add(appJar);
    command.addAll(List.of("run", specFile.toString(), "--master", resources.master()));
    if (start == io.lakebatch.api.RunStart.NEW_RUN) {
      command.add(NewRunOption.FLAG);
    }
    return command;
  }
}
