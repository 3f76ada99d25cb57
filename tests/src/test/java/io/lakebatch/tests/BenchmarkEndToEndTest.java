package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.submit.LakeBatchCli;
import io.lakebatch.submit.bench.Benchmark;
import io.lakebatch.submit.bench.BenchmarkOptions;
import io.lakebatch.submit.bench.BenchmarkPath;
import io.lakebatch.submit.bench.BenchmarkProfile;
import io.lakebatch.submit.bench.BenchmarkReport;
import io.lakebatch.submit.bench.CliLauncher;
import io.lakebatch.submit.bench.ProfileResult;
import io.lakebatch.submit.bench.WarmUp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's path (e): the profile's job run by {@code lakebatch run} in a new JVM, timed
 * launch to exit, its rows counted, and its ratio printed beside the in-run one. Checks structure,
 * never speed.
 */
class BenchmarkEndToEndTest {
  private static final long ROWS = 20_000;

  @AfterAll
  static void stopSpark() {
    SparkSession.getActiveSession()
        .foreach(
            session -> {
              session.stop();
              return null;
            });
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void measuresLakeBatchRunInANewJvmBesideTheInRunRatio(@TempDir Path out) throws Exception {
    BenchmarkOptions options =
        BenchmarkOptions.quick(out)
            .withProfiles(List.of(BenchmarkProfile.MLP))
            .withSections(EnumSet.noneOf(io.lakebatch.submit.bench.BenchmarkSection.class))
            .withWarmUp(WarmUp.SKIP)
            .withRows(BenchmarkProfile.MLP, ROWS)
            .withEndToEnd(testClasspathCli());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BenchmarkReport report;
    try (PrintStream stream = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      report = new Benchmark(options).run(stream);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);

    ProfileResult mlp = report.profiles().get(0);
    assertThat(mlp.endToEnd()).isPresent();
    assertThat(mlp.endToEnd().get().path()).isEqualTo(BenchmarkPath.END_TO_END);
    assertThat(mlp.endToEnd().get().rows()).isEqualTo(ROWS);
    // a new JVM starts Spark before its first chunk: launch to exit is longer than the warm run
    assertThat(mlp.endToEnd().get().seconds()).isGreaterThan(mlp.lakeBatch().seconds());
    assertThat(mlp.endToEndOverRawOrt()).get().satisfies(r -> assertThat(r).isPositive());
    assertThat(mlp.endToEndOverheadSeconds()).get().satisfies(s -> assertThat(s).isPositive());
    assertThat(text).contains("(e) lakebatch run: 20,000 rows, launch to exit");
    assertThat(Files.readString(out.resolve("results.csv")))
        .contains(
            "profiles,mlp,end_to_end,rows_per_second,",
            "profiles,mlp,ratio,e_over_b,",
            "profiles,mlp,ratio,e_minus_a_seconds,");
    assertThat(Files.readString(out.resolve("run/mlp/end-to-end.log")))
        .contains("SUCCEEDED", "rows out         20,000");
  }

  /** {@code lakebatch} on this test's classpath, as {@link CliDriver} starts it. */
  private static CliLauncher testClasspathCli() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SparkSessionFactory.JAVA_MODULE_FLAGS);
    command.add("-Xmx1g");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      command.add("-Dlog4j2.configurationFile=" + log4j);
    }
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(LakeBatchCli.class.getName());
    return new CliLauncher(command);
  }
}
