package io.lakebatch.submit;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.jobs.SparkSessionFactory;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Builds the {@code java ... org.apache.spark.deploy.SparkSubmit ...} command for a job. */
final class SparkSubmitCommand {
  static final List<String> MODULE_FLAGS = SparkSessionFactory.JAVA_MODULE_FLAGS;

  private SparkSubmitCommand() {}

  static List<String> build(JobSpec spec, ResourceSpec resources, Path specFile, List<String> extraConf,
      io.lakebatch.api.RunStart start) {
    String classpath = System.getProperty("java.class.path");
    List<String> jars = Arrays.stream(classpath.split(File.pathSeparator)).filter(p -> p.endsWith(".jar")).toList();
    String appJar = jars.stream().filter(j -> new File(j).getName().startsWith("lakebatch-submit")).findFirst()
        .orElseThrow(() -> LakeBatchErrors.usage("submit needs the packaged lakebatch-submit jar on the classpath; use ./lakebatch"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(MODULE_FLAGS);
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      command.add("-Dlog4j2.configurationFile=" + log4j);
    }
    command.addAll(List.of("-cp", classpath, "org.apache.spark.deploy.SparkSubmit"));
    command.addAll(List.of("--master", resources.master(), "--deploy-mode", "client"));
    command.addAll(List.of("--name", "lakebatch " + spec.name()));
    command.addAll(List.of("--class", LakeBatchCli.class.getName()));
    command.addAll(List.of("--conf", "spark.driver.extraJavaOptions=" + String.join(" ", MODULE_FLAGS)));
    command.addAll(List.of("--conf", "spark.executor.extraJavaOptions=" + String.join(" ", MODULE_FLAGS)));
    if (!resources.isLocal()) {
      command.addAll(List.of("--jars", jars.stream().filter(j -> !j.equals(appJar)).collect(Collectors.joining(","))));
      command.addAll(List.of("--executor-memory", resources.executorMemory()));
      command.addAll(List.of("--executor-cores", Integer.toString(resources.executorCores())));
      command.addAll(List.of("--total-executor-cores", Integer.toString(resources.executors() * resources.executorCores())));
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
