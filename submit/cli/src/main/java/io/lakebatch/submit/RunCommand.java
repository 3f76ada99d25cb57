package io.lakebatch.submit;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunOptions;
import io.lakebatch.api.RunStart;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.store.Catalog;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch run SPEC}: runs a job in this process, resuming what an earlier attempt
 * committed.
 */
@Command(
    name = "run",
    description =
        "Run a job spec in this process (local or against --master), resuming if partly done.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "job spec, YAML or JSON")
  Path specFile;

  @Mixin SparkOptions spark;

  @Mixin NewRunOption newRun;

  @Override
  public Integer call() {
    Optional<ServerChild> server = ServerChild.of(System.getenv());
    server.ifPresent(child -> child.stopWithServer(System.err));
    JobSpec spec = JobSpecParser.parse(specFile);
    // The catalog (database, pool, schema check) opens while Spark starts: both are mostly class
    // loading and start-up of their own, and a cold CLI spends seconds on each.
    CompletableFuture<Catalog> catalog =
        CompletableFuture.supplyAsync(LakeBatchHome::catalog, CATALOG_OPENER);
    SparkSession session = spark.session(spec);
    Catalog opened = opened(catalog);
    return runJob(
        spec,
        newRun.start(),
        opened,
        session,
        System.out,
        runId -> server.ifPresent(child -> child.attach(opened, runId)));
  }

  private static final java.util.concurrent.Executor CATALOG_OPENER =
      task -> {
        Thread thread = new Thread(task, "lakebatch-catalog-open");
        thread.setDaemon(true);
        thread.start();
      };

  /** The opened catalog, or what opening it threw (a catalog error keeps its exit code). */
  private static Catalog opened(CompletableFuture<Catalog> catalog) {
    try {
      return catalog.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Runs a parsed spec, recording it in {@code catalog}, and prints its summary; returns the exit
   * code.
   */
  static int runJob(
      JobSpec spec, RunStart start, Catalog catalog, SparkSession session, PrintStream out) {
    return runJob(spec, start, catalog, session, out, runId -> {});
  }

  /** As above; {@code prepared} hears the run's id once the run is prepared, as it starts. */
  static int runJob(
      JobSpec spec,
      RunStart start,
      Catalog catalog,
      SparkSession session,
      PrintStream out,
      Consumer<String> prepared) {
    RunHandle run =
        LakeBatch.with(session, catalog)
            .withRunFolders(LakeBatchHome.runFolders())
            .run(
                spec,
                RunOptions.defaults().withStart(start).withListener(new ConsoleRunListener(out)));
    prepared.accept(run.runId());
    RunSummary summary = run.await();
    out.print(summary.render());
    out.flush();
    return ExitCodes.of(summary.state());
  }
}
