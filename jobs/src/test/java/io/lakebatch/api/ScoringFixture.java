package io.lakebatch.api;

import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Delta table of {@link #ROWS} rows ({@code id}, {@code f0..f3} floats; row {@link #NAN_ID} has a
 * NaN and row {@link #NULL_ID} a null feature) and what a LakeBatch job makes of it with a model.
 */
final class ScoringFixture {
  static final int ROWS = 3_000;
  static final long NAN_ID = 7;
  static final long NULL_ID = 1_234;
  static final List<String> FEATURES = List.of("f0", "f1", "f2", "f3");

  private ScoringFixture() {}

  static float feature(long id, int f) {
    return ((id * 31 + f * 7) % 97) / 10f - 4f;
  }

  /** Writes the table in three files. */
  static Path writeInput(SparkSession spark, Path folder) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false);
    for (String f : FEATURES) {
      schema = schema.add(f, DataTypes.FloatType, true);
    }
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      Object[] values = new Object[5];
      values[0] = id;
      for (int f = 0; f < 4; f++) {
        values[f + 1] = feature(id, f);
      }
      if (id == NAN_ID) {
        values[3] = Float.NaN;
      }
      if (id == NULL_ID) {
        values[2] = null;
      }
      rows.add(RowFactory.create(values));
    }
    spark
        .createDataFrame(rows, schema)
        .repartition(3)
        .write()
        .format("delta")
        .save(folder.toString());
    return folder;
  }

  /** What the job wrote: scores by id, and dead-letter reasons by id. */
  record JobResult(RunSummary summary, Map<Long, Float> scores, Map<Long, String> reasons) {}

  static JobResult runJob(SparkSession spark, Path home, Path model, Path input) {
    Path output = home.resolve("job-output");
    JobSpec spec =
        JobSpecParser.parse(
            """
        name: score-compare
        model:
          path: '%s'
          inputs:
            features: [f0, f1, f2, f3]
        input:
          path: '%s'
          carry: [id]
        output:
          path: '%s'
        execution:
          batch-size: 128
          max-bad-row-fraction: 0.5
        resources:
          master: local[2]
        """
                .formatted(model, input, output),
            "test spec",
            false);
    RunSummary summary;
    try (Catalog catalog = Catalog.open(CatalogConfig.embedded(home))) {
      summary =
          LakeBatch.with(spark, catalog).withRunFolders(home.resolve("runs")).run(spec).await();
    }
    Map<Long, Float> scores = new HashMap<>();
    for (Row row : spark.read().format("delta").load(output.toString()).collectAsList()) {
      scores.put(row.getLong(row.fieldIndex("id")), row.getFloat(row.fieldIndex("score")));
    }
    Map<Long, String> reasons = new HashMap<>();
    for (Row row :
        spark.read().format("delta").load(spec.output().deadLetterPath()).collectAsList()) {
      reasons.put(row.getLong(row.fieldIndex("id")), row.getString(row.fieldIndex("reason")));
    }
    return new JobResult(summary, scores, reasons);
  }
}
