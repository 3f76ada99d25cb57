package io.lakebatch.submit;

import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.jobs.Lineage;
import io.lakebatch.jobs.SparkSessionFactory;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch lineage OUTPUT_PATH}: which run, spec, model and input version made each table
 * version.
 */
@Command(
    name = "lineage",
    description =
        "Map each Delta version of an output (or dead-letter) table to the run, spec hash, model"
            + " name@version and sha256, and input version that produced it.")
final class LineageCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "OUTPUT_PATH",
      description = "a Delta table LakeBatch wrote")
  String path;

  @Override
  public Integer call() {
    Catalog catalog = LakeBatchHome.catalog();
    SparkSession spark =
        SparkSessionFactory.create(
            "lakebatch lineage", new ResourceSpec("local[1]", 1, 1, "1g", 0), 1);
    List<Lineage.Entry> entries = Lineage.of(spark, path, catalog);
    if (entries.isEmpty()) {
      throw LakeBatchErrors.usage(
          "no Delta table at " + path + " (expected a folder with a _delta_log)");
    }
    System.out.print(Lineage.render(path, entries));
    return ExitCodes.OK;
  }
}
