package io.lakebatch.submit;

import io.lakebatch.api.RunStart;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.server.LakeBatchServer;
import io.lakebatch.server.ServerConfig;
import io.lakebatch.submit.catalog.HelpOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakebatch server}: the REST job server in the foreground, on the LakeBatch home's catalog
 * (or the one {@code --config} names), running shared jobs in one long-lived SparkSession and
 * isolated ones through spark-submit.
 */
@Command(
    name = "server",
    description =
        "Run the job server (REST API, durable queue, shared SparkSession). Prints its URL and, on"
            + " first start, an admin token.")
public final class ServerCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "a lakebatch.yaml with catalog: and server: sections (default: embedded)")
  Path config;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "port to listen on (0: any free port; default 8420 or the config's)")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    Path home = LakeBatchHome.resolve();
    CatalogConfig catalog = CatalogConfig.load(home, System.getenv());
    ServerConfig settings =
        config == null
            ? ServerConfig.defaults(catalog, home)
            : ServerConfig.load(config, catalog, home);
    if (port != null) {
      settings = settings.withPort(port);
    }
    LakeBatchServer server = LakeBatchServer.start(settings, ServerCommand::isolated, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lakebatch-server-stop"));
    server.awaitStop();
    return 0;
  }

  /** How this installation runs an isolated job: spark-submit of {@code lakebatch run}. */
  static List<String> isolated(JobSpec spec, Path specFile, Map<String, String> sparkConf) {
    List<String> conf =
        sparkConf.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    return SparkSubmitCommand.build(
        spec, spec.resources(), specFile, conf, RunStart.RESUME_UNFINISHED);
  }
}
