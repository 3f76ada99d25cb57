package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code execution.max-bad-row-fraction} holds over the whole run: a rerun of a run that failed on
 * too many bad rows counts the chunks already committed and fails again, instead of ending
 * SUCCEEDED on the clean rest.
 */
class BadRowBudgetEndToEndTest {
  private static final long ROWS = 20_000;

  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aRerunCannotEndSucceededPastTheLimitItFailedOn() throws Exception {
    Path model = dir.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(2).withHidden(8).withDepth(1), model);
    Path input = dir.resolve("in");
    // Two files of 10,000 rows, one chunk each; one file holds 1,000 NaN rows (5 % of the run).
    spark
        .range(0, ROWS, 1, 2)
        .selectExpr(
            "id",
            "IF(id < 10000 AND id % 10 = 0, float('NaN'), cast(rand(1) as float)) AS f0",
            "cast(rand(2) as float) AS f1")
        .write()
        .format("delta")
        .save(input.toString());
    Path output = dir.resolve("out");
    Path spec =
        JobSpecs.write(
            dir,
            "job.yaml",
            JobSpecs.mlp(
                "bad-row-budget",
                model,
                "delta",
                input,
                "[f0, f1]",
                output,
                "rows-per-chunk: 10000\nmax-bad-row-fraction: 0.04",
                "master: local[2]"));

    InferenceJob first = E2eJobs.job(spark, System.out);
    PreparedRun prepared = first.prepare(JobSpecParser.parse(spec));
    assertThat(prepared.plan().chunks()).hasSize(2);
    LakeBatchException failed =
        catchThrowableOfType(LakeBatchException.class, () -> first.run(prepared));
    assertThat(failed.category()).isEqualTo(ErrorCategory.DATA);
    assertThat(failed.getMessage()).contains("max-bad-row-fraction");
    long outputRows = LocalSpark.count(spark, output.toString());
    assertThat(outputRows)
        .as("the bad chunk was committed before the limit was checked")
        .isPositive();

    InferenceJob rerun = E2eJobs.job(spark, System.out);
    PreparedRun again = rerun.prepare(JobSpecParser.parse(spec));
    assertThat(again.runId()).isEqualTo(prepared.runId());
    LakeBatchException failedAgain =
        catchThrowableOfType(LakeBatchException.class, () -> rerun.run(again));
    assertThat(failedAgain).as("the rerun counts the committed chunks' dead letters").isNotNull();
    assertThat(failedAgain.getMessage()).contains("1000 of").contains("max-bad-row-fraction");
    assertThat(TestCatalog.shared().runs().get(prepared.runId()).state())
        .isEqualTo(RunState.FAILED);
    assertThat(LocalSpark.count(spark, output.toString()))
        .as("nothing duplicated by the rerun")
        .isLessThanOrEqualTo(ROWS - 1_000);
    assertThat(LocalSpark.distinctIds(spark, output.toString()))
        .isEqualTo(LocalSpark.count(spark, output.toString()));
  }
}
