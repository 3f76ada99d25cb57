package io.lakebatch.submit.cluster;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.submit.LakeBatchHome;
import io.lakebatch.submit.catalog.HelpOption;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakebatch cluster start|status|stop}: a Spark standalone cluster on this machine ({@link
 * StandaloneCluster}). Alone, it prints its usage (exit 2).
 */
@Command(
    name = "cluster",
    description = "A Spark standalone cluster on this machine (127.0.0.1), for --master spark://…",
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Status.class,
      ClusterCommand.Stop.class
    })
public final class ClusterCommand implements Runnable {
  @Mixin HelpOption helpOption;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a cluster command: start, status or stop");
  }

  /** {@code --dir}: the cluster's state folder. */
  static final class DirOption {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description =
            "the cluster's state folder (logs, cluster.json); default <LakeBatch home>/cluster")
    Path dir;

    Path resolve() {
      return (dir != null ? dir : LakeBatchHome.resolve().resolve("cluster"))
          .toAbsolutePath()
          .normalize();
    }
  }

  /**
   * {@code cluster start}: starts the master and workers, prints the master URL, leaves them
   * running.
   */
  @Command(
      name = "start",
      description = {
        "Start a master and workers as background JVMs on 127.0.0.1 (free ports) and wait until all workers are"
            + " registered. They keep running after this command ends; stop them with `lakebatch cluster stop`."
      },
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {
        "0:started",
        "1:a daemon failed to start (its log is printed)",
        "2:a bad option, or a cluster is already running in DIR"
      })
  static final class Start implements Callable<Integer> {
    @Mixin HelpOption helpOption;
    @Mixin DirOption dir;

    @Option(
        names = "--workers",
        paramLabel = "N",
        description = "workers to start; default ${DEFAULT-VALUE}")
    int workers = ClusterOptions.defaults().workers();

    @Option(
        names = "--worker-cores",
        paramLabel = "C",
        description = "cores per worker; default ${DEFAULT-VALUE}")
    int workerCores = ClusterOptions.defaults().workerCores();

    @Option(
        names = "--worker-memory",
        paramLabel = "M",
        description =
            "memory per worker for its executor, like 768m or 2g; default ${DEFAULT-VALUE}")
    String workerMemory = ClusterOptions.defaults().workerMemory();

    @Override
    public Integer call() {
      ClusterOptions options =
          ClusterOptions.defaults()
              .withWorkers(workers)
              .withWorkerCores(workerCores)
              .withWorkerMemory(workerMemory);
      StandaloneCluster cluster = StandaloneCluster.start(dir.resolve(), options);
      PrintStream out = System.out;
      out.printf("cluster started in %s%n", cluster.dir());
      describe(cluster, cluster.status(), out);
      out.printf("run jobs on it with:  --master %s%n", cluster.masterUrl());
      out.printf(
          "  and resources that fit it: executors: %d, executor-cores: %d, executor-memory: %s%n",
          cluster.resources().executors(),
          cluster.resources().executorCores(),
          cluster.resources().executorMemory());
      out.printf("stop it with:         lakebatch cluster stop --dir %s%n", cluster.dir());
      out.flush();
      return 0;
    }
  }

  /** {@code cluster status}: master URL, web UI and workers of the running cluster. */
  @Command(
      name = "status",
      description = "Show the running cluster: master URL, web UI, alive workers.",
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:shown", "1:the master does not answer", "2:no cluster is running in DIR"})
  static final class Status implements Callable<Integer> {
    @Mixin HelpOption helpOption;
    @Mixin DirOption dir;

    @Override
    public Integer call() {
      Path folder = dir.resolve();
      StandaloneCluster cluster =
          StandaloneCluster.attach(folder)
              .orElseThrow(() -> LakeBatchErrors.clusterNotRunning(folder));
      System.out.printf("cluster in %s%n", cluster.dir());
      describe(cluster, cluster.status(), System.out);
      System.out.flush();
      return 0;
    }
  }

  /** {@code cluster stop}: kills the master, workers and executors of the cluster in DIR. */
  @Command(
      name = "stop",
      description = "Stop the cluster in DIR (its master, workers and their executors).",
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:stopped, or nothing was running"})
  static final class Stop implements Callable<Integer> {
    @Mixin HelpOption helpOption;
    @Mixin DirOption dir;

    @Override
    public Integer call() {
      Path folder = dir.resolve();
      var running = StandaloneCluster.attach(folder);
      StandaloneCluster.stop(folder);
      if (running.isPresent()) {
        System.out.printf(
            "stopped the cluster in %s (master %s)%n", folder, running.get().masterUrl());
      } else {
        System.out.printf("no cluster was running in %s%n", folder);
      }
      System.out.flush();
      return 0;
    }
  }

  static void describe(StandaloneCluster cluster, MasterStatus status, PrintStream out) {
    out.printf("  master         %s (%s)%n", cluster.masterUrl(), status.status());
    out.printf("  web UI         %s%n", cluster.webUiUrl());
    out.printf("  alive workers  %d of %d%n", status.aliveWorkers(), cluster.workerCount());
    for (MasterStatus.WorkerStatus worker : status.workers()) {
      out.printf(
          "    %-45s %-6s %d/%d cores used%n",
          worker.id(), worker.state(), worker.coresUsed(), worker.cores());
    }
  }
}
