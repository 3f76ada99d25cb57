package io.lakebatch.submit;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunOptions;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.store.Catalog;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lakebatch plan SPEC}: validates the spec and prints the plan without running it. */
@Command(
    name = "plan",
    description =
        "Validate a job spec and print its plan (chunks, tasks, rows per task, skew) without running it.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "job spec, YAML or JSON")
  Path specFile;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() {
    JobSpec spec = JobSpecParser.parse(specFile);
    Catalog catalog = LakeBatchHome.catalog();
    LakeBatch lakeBatch =
        LakeBatch.with(spark.session(spec), catalog).withRunFolders(LakeBatchHome.runFolders());
    System.out.print(
        lakeBatch
            .plan(spec, RunOptions.defaults().withListener(new ConsoleRunListener(System.out)))
            .description());
    return 0;
  }
}
