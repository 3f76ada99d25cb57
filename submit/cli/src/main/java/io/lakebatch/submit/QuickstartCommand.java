package io.lakebatch.submit;

import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecYaml;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.spec.WriteMode;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakebatch quickstart}: generates an MLP and a Delta table with a few planted bad rows
 * under the LakeBatch home, writes a spec for them and runs it on local Spark.
 */
@Command(
    name = "quickstart",
    description = "Generate a model and a table, run a job on local Spark, print the summary.")
final class QuickstartCommand implements Callable<Integer> {
  private static final int FEATURES = 32;

  @Option(names = "--rows", description = "rows to generate; default ${DEFAULT-VALUE}")
  long rows = 1_000_000;

  @Option(names = "--rows-per-chunk", description = "default ${DEFAULT-VALUE}")
  long rowsPerChunk = 250_000;

  @Override
  public Integer call() throws IOException {
    Path folder = LakeBatchHome.resolve().resolve("quickstart");
    deleteRecursively(folder);
    Files.createDirectories(folder);
    Path model = folder.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP,
        ModelOptions.defaults().withFeatures(FEATURES).withHidden(64).withDepth(2),
        model);
    Path spec = folder.resolve("job.yaml");
    JobSpec job = spec(folder, model);
    Files.writeString(spec, JobSpecYaml.write(job));
    Catalog catalog = LakeBatchHome.catalog();
    SparkSession spark =
        SparkSessionFactory.create(
            "lakebatch quickstart",
            job.resources(),
            job.execution().retries().task(),
            job.execution().speculation());
    System.out.printf(
        "quickstart: writing %,d rows x %d features to %s%n", rows, FEATURES, job.input().path());
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA).withBadEvery(100_000),
        job.input().path());
    System.out.printf("quickstart: model %s, spec %s%n", model, spec);
    return RunCommand.runJob(
        job, io.lakebatch.api.RunStart.RESUME_UNFINISHED, catalog, spark, System.out);
  }

  private JobSpec spec(Path folder, Path model) {
    List<String> features = IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toList();
    return JobSpec.builder("quickstart")
        .modelPath(model.toString())
        .modelInput("features", new InputBinding.ColumnList(features))
        .modelOutput("score", "score")
        .input(TableFormat.DELTA, folder.resolve("input").toString())
        .carry("id")
        .output(folder.resolve("output").toString())
        .mode(WriteMode.APPEND)
        .batchSize(1024)
        .rowsPerChunk(rowsPerChunk)
        .maxBadRowFraction(0.01)
        .master("local[2]")
        .build();
  }

  private static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
