package io.lakebatch.submit;

import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.server.LakeBatchServer;
import io.lakebatch.server.ServerConfig;
import io.lakebatch.server.ServerLoadBenchmark;
import io.lakebatch.submit.catalog.HelpOption;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakebatch server-bench}: a job server in this JVM on the home's catalog (or {@code
 * --config}'s, e.g. PostgreSQL) under many small submissions from concurrent clients; prints the
 * numbers.
 */
@Command(
    name = "server-bench",
    description =
        "Start a job server and submit many small jobs from concurrent clients: accepted, lost and"
            + " duplicated counts, submit latency, submit-to-start latency, jobs per minute.")
public final class ServerBenchCommand implements Callable<Integer> {
  private static final int FEATURES = 4;

  @Mixin HelpOption helpOption;

  @Option(names = "--jobs", defaultValue = "1000", description = "jobs to submit (default 1000)")
  int jobs;

  @Option(names = "--clients", defaultValue = "8", description = "concurrent clients (default 8)")
  int clients;

  @Option(
      names = "--idle-jobs",
      defaultValue = "20",
      description = "jobs then submitted one at a time to the idle server (default 20)")
  int idleJobs;

  @Option(names = "--rows", defaultValue = "1000", description = "rows each job scores")
  long rows;

  @Option(names = "--config", paramLabel = "FILE", description = "lakebatch.yaml (catalog, server)")
  Path config;

  @Override
  public Integer call() throws Exception {
    Path home = LakeBatchHome.resolve();
    CatalogConfig catalog = CatalogConfig.load(home, System.getenv());
    ServerConfig settings =
        (config == null
                ? ServerConfig.defaults(catalog, home)
                : ServerConfig.load(config, catalog, home))
            .withPort(0)
            // the benchmark measures the server, not the default per-tenant request rate
            .withTenant("server-bench", new ServerConfig.TenantPolicy(List.of(), 1_000_000));
    Path dir = home.resolve("server-bench").toAbsolutePath();
    Path model = dir.resolve("mlp.onnx");
    try (LakeBatchServer server = LakeBatchServer.start(settings, System.out)) {
      ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
      Path input = dir.resolve("input");
      SyntheticTables.write(
          server.spark(),
          SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA),
          input.toString());
      String run = Long.toHexString(System.nanoTime());
      ServerLoadBenchmark.run(
          server,
          new ServerLoadBenchmark.Options(
              jobs,
              clients,
              idleJobs,
              i ->
                  """
                  name: bench-%d
                  model:
                    path: %s
                    inputs: {features: [f0, f1, f2, f3]}
                  input: {format: delta, path: %s, carry: [id]}
                  output: {path: %s}
                  resources: {executors: 1, executor-cores: 1}
                  """
                      .formatted(i, model, input, dir.resolve("out-" + run + "-" + i))),
          System.out);
    }
    return 0;
  }
}
