package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.server.LakeBatchServer;
import io.lakebatch.server.ServerConfig;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client ({@code lakebatch_client}) and Airflow provider ({@code lakebatch_airflow})
 * against a real job server: this harness starts one in-process on an embedded catalog and a real
 * SparkSession, prepares a model and a Delta input for a tenant whose allowed prefix is that
 * folder, and runs {@code /usr/bin/python3 -m pytest submit/python/tests} with the server's URL,
 * the tenant's token and the folder in the environment. It passes when pytest exits 0 with at least
 * {@link #MIN_PASSED} tests passed and none skipped (a skipped test would mean it never met the
 * server). pytest's output is kept in {@code tests/target/python-tests.log}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PythonClientTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final int FEATURES = 4;
  private static final long ROWS = 2_000;
  private static final int MIN_PASSED = 36;
  private static final Duration PYTEST_TIMEOUT = Duration.ofMinutes(8);

  @TempDir static Path folder;

  @Test
  void thePythonClientAndAirflowProviderPassTheirTestsAgainstARealServer() throws Exception {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path repo = module.resolve("..").toAbsolutePath().normalize();
    Path tests = repo.resolve("submit/python/tests");
    assertThat(tests).as("the Python tests beside this module").isDirectory();
    requirePytest();

    SparkSession spark =
        SparkSessionFactory.create(
            "python-client-test",
            new ResourceSpec("local[2]", 1, 2, "1g", 0),
            2,
            false,
            Map.of("spark.scheduler.mode", "FAIR"));
    Path home = folder.resolve("home");
    try (Catalog catalog = Catalog.open(CatalogConfig.embedded(home))) {
      Path specDir = folder.resolve("python-data");
      ModelGenerator.write(
          ModelKind.MLP,
          ModelOptions.defaults().withFeatures(FEATURES),
          specDir.resolve("model.onnx"));
      SyntheticTables.write(
          spark,
          SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(2),
          specDir.resolve("input").toString());
      Files.createDirectories(specDir.resolve("out"));

      ServerConfig config =
          ServerConfig.defaults(catalog.config(), home)
              .withPort(0)
              .withLease(Duration.ofSeconds(5), Duration.ofMillis(200))
              .withTenant(
                  "python", new ServerConfig.TenantPolicy(List.of(specDir.toString()), 100_000));
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      try (LakeBatchServer server =
          LakeBatchServer.start(
              config, catalog, spark, new PrintStream(printed, true, StandardCharsets.UTF_8))) {
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("first admin token");
        String token = catalog.tokens().create("python", false).secret();

        Path log = module.resolve("target/python-tests.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pytest =
            new ProcessBuilder(
                    PYTHON.toString(),
                    "-m",
                    "pytest",
                    "-q",
                    "-rs", // a skipped test says why
                    "-p",
                    "no:cacheprovider",
                    "submit/python/tests")
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pytest.environment();
        env.put("LAKEBATCH_TEST_URL", server.url());
        env.put("LAKEBATCH_TEST_TOKEN", token);
        env.put("LAKEBATCH_TEST_SPEC_DIR", specDir.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        env.remove("PYTHONPATH");
        Process process = pytest.start();
        boolean ended = process.waitFor(PYTEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertThat(ended)
            .as("pytest ended within %s; its output:%n%s", PYTEST_TIMEOUT, output)
            .isTrue();
        assertThat(process.exitValue()).as("pytest's exit code; its output:%n%s", output).isZero();
        assertThat(count(output, "passed"))
            .as("tests passed; the output:%n%s", output)
            .isGreaterThanOrEqualTo(MIN_PASSED);
        assertThat(count(output, "skipped")).as("tests skipped; the output:%n%s", output).isZero();
        assertThat(count(output, "failed") + count(output, "errors?"))
            .as("tests failed; the output:%n%s", output)
            .isZero();
      }
    } finally {
      spark.stop();
    }
  }

  /** Fails (does not skip) when Debian's python3 cannot run pytest. */
  private static void requirePytest() throws IOException, InterruptedException {
    String hint = "run tests/scripts/python.sh ensure (installs python3-pytest with apt-get)";
    if (!Files.isExecutable(PYTHON)) {
      fail(PYTHON + " is missing: " + hint);
    }
    Process probe =
        new ProcessBuilder(PYTHON.toString(), "-m", "pytest", "--version")
            .redirectErrorStream(true)
            .start();
    String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      probe.destroyForcibly();
      fail(PYTHON + " -m pytest does not run (" + said.strip() + "): " + hint);
    }
  }

  /** The number pytest's summary line gives before {@code word} ("12 passed"), 0 if none. */
  private static int count(String output, String word) {
    Matcher summary = Pattern.compile("(\\d+) " + word + "\\b").matcher(lastLine(output));
    return summary.find() ? Integer.parseInt(summary.group(1)) : 0;
  }

  private static String lastLine(String output) {
    List<String> lines = output.strip().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
