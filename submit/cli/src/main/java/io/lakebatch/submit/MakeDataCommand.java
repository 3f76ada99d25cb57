package io.lakebatch.submit;

import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lakebatch make-data --rows N --out PATH}: writes a generated input table. */
@Command(
    name = "make-data",
    description =
        "Write a generated table: key column id, float features f0..f<k-1>, optional vec, input_ids, image, text.")
final class MakeDataCommand implements Callable<Integer> {
  @Option(names = "--rows", required = true, description = "rows to write")
  long rows;

  @Option(names = "--features", description = "float feature columns; default ${DEFAULT-VALUE}")
  int features = 32;

  @Option(names = "--format", description = "delta | parquet; default ${DEFAULT-VALUE}")
  String format = "delta";

  @Option(
      names = "--skew",
      description = "fraction of rows put in one file, e.g. 0.8; default ${DEFAULT-VALUE}")
  double skew;

  @Option(
      names = "--files",
      description =
          "files for the rows outside the skewed file; default: one per 250k rows (2..64)")
  Integer files;

  @Option(
      names = "--bad-every",
      description =
          "plant a NaN and a null in 2 of every N rows (0 = none); default ${DEFAULT-VALUE}")
  long badEvery;

  @Option(
      names = "--vector",
      description = "also write the features as one array<float> column 'vec'")
  boolean vector;

  @Option(
      names = "--tokens",
      description = "also write an array<bigint> column 'input_ids' of this length")
  int tokens;

  @Option(
      names = "--image-size",
      description = "also write a 3 x S x S array<float> column 'image' (pixels k/255)")
  int imageSize;

  @Option(
      names = "--text",
      paramLabel = "MEAN_WORDS",
      description =
          "also write a string column 'text' of 3 to 6 x MEAN_WORDS seeded pseudo-words per row, heavy-tailed")
  int textWords;

  @Option(
      names = "--row-group-mb",
      description = "Parquet row-group size in MiB; default ${DEFAULT-VALUE}")
  int rowGroupMb = 8;

  @Option(names = "--out", required = true, description = "table path")
  String out;

  @Override
  public Integer call() {
    TableFormat tableFormat;
    try {
      tableFormat = TableFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw io.lakebatch.catalog.error.LakeBatchErrors.usage(
          "--format must be delta or parquet, got '" + format + "'");
    }
    SyntheticTableOptions options =
        SyntheticTableOptions.of(rows, features, tableFormat)
            .withSkew(skew)
            .withBadEvery(badEvery)
            .withTokens(tokens)
            .withImageSize(imageSize)
            .withText(textWords)
            .withRowGroupBytes((long) rowGroupMb << 20);
    if (files != null) {
      options = options.withFiles(files);
    }
    if (vector) {
      options = options.withVectorColumn();
    }
    SparkSession spark =
        SparkSessionFactory.create(
            "lakebatch make-data", new ResourceSpec(SpecDefaults.MASTER, 1, 1, "1g", 0), 1);
    long start = System.nanoTime();
    SyntheticTables.write(spark, options, out);
    System.out.printf(
        "wrote %,d rows (%s) to %s in %.1f s%n",
        rows, tableFormat.specName(), out, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
