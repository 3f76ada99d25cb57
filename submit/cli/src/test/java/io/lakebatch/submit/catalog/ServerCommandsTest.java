package io.lakebatch.submit.catalog;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.lakebatch.submit.remote.ServerOption;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit}, {@code status}, {@code list}, {@code logs} and {@code cancel} with {@code
 * --server} against a real server on loopback: a job submitted from the CLI runs, the CLI follows
 * its log to the end and shows its state; server refusals keep their exit codes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServerCommandsTest {
  @TempDir static Path folder;
  private static SparkSession spark;
  private static Catalog catalog;
  private static LakeBatchServer server;
  private static Path spec;

  @BeforeAll
  static void start() throws Exception {
    spark =
        SparkSessionFactory.create(
            "cli-server-test",
            new ResourceSpec("local[2]", 1, 2, "1g", 0),
            2,
            false,
            Map.of("spark.scheduler.mode", "FAIR"));
    catalog = Catalog.open(CatalogConfig.embedded(folder.resolve("home")));
    Path model = folder.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(2), model);
    Path input = folder.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(3_000, 2, TableFormat.DELTA), input.toString());
    spec =
        Files.writeString(
            folder.resolve("job.yaml"),
            """
            name: from-the-cli
            model: {path: %s, inputs: {features: [f0, f1]}}
            input: {path: %s, carry: [id]}
            output: {path: %s}
            execution: {rows-per-chunk: 1000}
            """
                .formatted(model, input, folder.resolve("out")));
    server =
        LakeBatchServer.start(
            ServerConfig.defaults(catalog.config(), folder.resolve("home"))
                .withPort(0)
                .withLease(Duration.ofSeconds(10), Duration.ofMillis(200)),
            catalog,
            spark,
            new PrintStream(java.io.OutputStream.nullOutputStream()));
    System.setProperty(ServerOption.TOKEN_PROPERTY, catalog.tokens().create("cli", false).secret());
  }

  @AfterAll
  static void stop() {
    System.clearProperty(ServerOption.TOKEN_PROPERTY);
    server.close();
    catalog.close();
    spark.stop();
  }

  @Test
  void aJobSubmittedFromTheCliRunsAndTheCliFollowsIt() {
    Cli.Result submitted =
        Cli.run("submit", spec.toString(), "--server", server.url(), "--idempotency-key", "cli-1");
    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    Matcher id = Pattern.compile("job (job-[0-9a-f]{16})").matcher(submitted.out());
    assertThat(id.find()).as(submitted.toString()).isTrue();
    Cli.Result again =
        Cli.run("submit", spec.toString(), "--server", server.url(), "--idempotency-key", "cli-1");
    assertThat(again.out()).as("the same key, the same job").contains(id.group(1));

    Cli.Result logs = Cli.run("logs", id.group(1), "-f", "--server", server.url());
    assertThat(logs.exitCode()).isZero();
    assertThat(logs.out()).contains("committed").contains("SUCCEEDED");
    Cli.Result status = Cli.run("status", id.group(1), "--server", server.url());
    assertThat(status.out())
        .contains(id.group(1) + " (from-the-cli, tenant cli, normal) SUCCEEDED");
    assertThat(status.out()).contains("3,000/3,000 rows");
    assertThat(Cli.run("list", "--server", server.url()).out()).contains(id.group(1));
    assertThat(Cli.run("list", "--state", "FAILED", "--server", server.url()).out())
        .doesNotContain(id.group(1));
  }

  @Test
  void refusalsAndAnUnreachableServerKeepTheirExitCodes() {
    Cli.Result unknown = Cli.run("cancel", "job-0000000000000000", "--server", server.url());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("404").contains("no job");

    Cli.Result badSpec =
        Cli.run("submit", folder.resolve("missing.yaml").toString(), "--server", server.url());
    assertThat(badSpec.exitCode()).isEqualTo(2);
    assertThat(badSpec.err()).contains("file not found");

    Cli.Result away = Cli.run("status", "job-0000000000000000", "--server", "http://127.0.0.1:1");
    assertThat(away.exitCode()).as(away.toString()).isEqualTo(5);
    assertThat(away.err()).contains("cannot reach the LakeBatch server");
  }
}
