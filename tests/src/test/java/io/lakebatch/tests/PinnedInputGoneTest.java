package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.api.RunStart;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
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
 * A run's pinned Delta version whose files were vacuumed away is not re-planned silently: the
 * resume stops naming the version, the file and the choices, and writes nothing; {@code --new-run}
 * then starts over at the latest version.
 */
class PinnedInputGoneTest {
  private static final long ROWS = 20_000;
  private static final int FEATURES = 4;

  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aVacuumedPinnedVersionStopsTheResumeAndNewRunStartsOver() throws Exception {
    Path model = dir.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP,
        ModelOptions.defaults().withFeatures(FEATURES).withHidden(8).withDepth(1),
        model);
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(4),
        input.toString());
    Path output = dir.resolve("out");
    JobSpec spec =
        JobSpecParser.parse(
            JobSpecs.write(
                dir,
                "job.yaml",
                JobSpecs.mlp(
                    "pinned-gone",
                    model,
                    "delta",
                    input,
                    JobSpecs.featureList(FEATURES),
                    output,
                    "rows-per-chunk: 5000",
                    "master: local[2]")));

    // A run registered and pinned at version 0 whose driver died before its first chunk.
    InferenceJob job = E2eJobs.job(spark, System.out);
    PreparedRun first = job.prepare(spec);
    TestCatalog.shared().runs().register(first.newRun());
    TestCatalog.shared().pinnedInputs().save(first.pinnedInput(-1));
    assertThat(first.input().version()).isZero();

    // Its files are compacted and vacuumed away; version 0 is still in the log but cannot be read.
    spark.sql("OPTIMIZE delta.`" + input + "`");
    spark.sql("VACUUM delta.`" + input + "` RETAIN 0 HOURS");

    LakeBatchException refused =
        catchThrowableOfType(LakeBatchException.class, () -> job.prepare(spec));
    assertThat(refused).isNotNull();
    assertThat(refused.category()).isEqualTo(ErrorCategory.DATA);
    assertThat(refused.getMessage())
        .contains("run " + first.runId())
        .contains("is gone (version 0 still lists it")
        .contains(input.toString())
        .contains("--new-run");
    assertThat(output.resolve("_delta_log")).doesNotExist();

    PreparedRun fresh = job.prepare(spec, RunStart.NEW_RUN);
    assertThat(fresh.runId()).isNotEqualTo(first.runId());
    assertThat(fresh.input().version()).isPositive();
    RunSummary summary = job.run(fresh);
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(ROWS);
    assertThat(LocalSpark.distinctIds(spark, output.toString())).isEqualTo(ROWS);
    // The superseded run is not resumed by a later rerun of the spec.
    assertThat(job.prepare(spec).runId()).isEqualTo(fresh.runId());
  }
}
