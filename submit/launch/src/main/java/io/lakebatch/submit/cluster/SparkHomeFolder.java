package io.lakebatch.submit.cluster;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code SPARK_HOME} a cluster's workers need to launch executors: {@code jars/} with a symlink
 * per classpath jar (the executors' classpath) and {@code conf/} with their logging configuration.
 */
final class SparkHomeFolder {
  private static final String LOG_CONFIG =
      """
      # Daemons and executors of a LakeBatch standalone cluster: INFO (the master's leader election and
      # executor launches are INFO lines), to standard error, which goes to DIR/*.log and work/*/stderr.
      rootLogger.level = info
      rootLogger.appenderRef.stderr.ref = console
      appender.console.type = Console
      appender.console.name = console
      appender.console.target = SYSTEM_ERR
      appender.console.layout.type = PatternLayout
      appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss.SSS} %p %c{1}: %m%n%ex
      logger.jetty.name = org.sparkproject.jetty
      logger.jetty.level = warn
      logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader
      logger.nativecode.level = error
      logger.parquet.name = org.apache.parquet
      logger.parquet.level = warn
      logger.hadoop.name = org.apache.hadoop
      logger.hadoop.level = warn
      """;

  private SparkHomeFolder() {}

  /** Creates {@code dir/spark-home} afresh for these jars and returns it. */
  static Path prepare(Path dir, List<Path> jars, List<Path> classpath) {
    if (jars.isEmpty()) {
      throw LakeBatchErrors.clusterWithoutJars(
          classpath.stream().map(Path::toString).collect(Collectors.joining(":")));
    }
    Path home = dir.resolve("spark-home");
    Path jarsFolder = jars(home);
    try {
      if (Files.isDirectory(jarsFolder)) {
        try (Stream<Path> old = Files.list(jarsFolder)) {
          for (Path link : old.toList()) {
            Files.delete(link);
          }
        }
      }
      Files.createDirectories(jarsFolder);
      Files.createDirectories(conf(home));
      Files.createDirectories(dir.resolve("tmp"));
      Set<String> names = new HashSet<>();
      for (Path jar : jars) {
        // the first jar of a name wins, as on a classpath
        if (names.add(jar.getFileName().toString())) {
          Files.createSymbolicLink(jarsFolder.resolve(jar.getFileName()), jar.toAbsolutePath());
        }
      }
      Files.writeString(logConfig(home), LOG_CONFIG);
      List<Path> leftOut = ClusterClasspath.nonJars(classpath);
      Path leftOutFile = home.resolve("classpath-folders-left-out.txt");
      Files.deleteIfExists(leftOutFile);
      if (!leftOut.isEmpty()) {
        Files.write(leftOutFile, leftOut.stream().map(Path::toString).toList());
      }
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot prepare the Spark home " + home, e);
    }
    return home;
  }

  static Path jars(Path sparkHome) {
    return sparkHome.resolve("jars");
  }

  static Path conf(Path sparkHome) {
    return sparkHome.resolve("conf");
  }

  static Path logConfig(Path sparkHome) {
    return conf(sparkHome).resolve("log4j2.properties");
  }
}
