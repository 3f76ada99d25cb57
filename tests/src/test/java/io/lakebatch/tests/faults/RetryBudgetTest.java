package io.lakebatch.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.udf.FaultInjection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient chunk failures that do not pass: every chunk is retried with backoff within {@code
 * retries.chunk}, the run as a whole spends at most {@code retries.job} retries, chunks that
 * exhaust them are recorded FAILED with their last error, and a rerun once the fault is gone
 * commits every chunk exactly once.
 */
class RetryBudgetTest {
  private static final long ROWS = 4_000;
  private static final int JOB_RETRIES = 2;

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Catalog catalog;
  private static Path home;

  @BeforeAll
  static void start() {
    // One task attempt: a failing task fails its stage, so the failure reaches the chunk loop.
    spark =
        SparkSessionFactory.create("retry-budget", new ResourceSpec("local[2]", 1, 2, "2g", 0), 1);
    home =
        Path.of(System.getProperty("java.io.tmpdir"), "lakebatch-retry-home-" + UUID.randomUUID());
    catalog = Catalog.open(CatalogConfig.embedded(home));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void chunksExhaustingTheRunsRetryBudgetAreRecordedFailedAndARerunCommitsThemOnce()
      throws Exception {
    Path model = tmp.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(FaultFixtures.FEATURES), model);
    Path input = tmp.resolve("input");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FaultFixtures.FEATURES, TableFormat.DELTA).withFiles(4),
        input.toString());
    Path output = tmp.resolve("output");
    Path specFile =
        FaultFixtures.write(
            tmp,
            "spec.yaml",
            FaultFixtures.spec(
                "retry-budget",
                model,
                "delta",
                input,
                FaultFixtures.FEATURE_COLUMNS,
                output,
                """
            batch-size: 256
            rows-per-chunk: 1000
            retries: {task: 1, chunk: 3, job: %d}
            """
                    .formatted(JOB_RETRIES)));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InferenceJob job =
        new InferenceJob(
            spark,
            catalog,
            home.resolve("runs"),
            new ConsoleRunListener(new PrintStream(printed, true, StandardCharsets.UTF_8)));
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    int chunks = prepared.plan().chunks().size();
    assertThat(chunks).isGreaterThanOrEqualTo(3);

    RunSummary failed;
    spark.conf().set(FaultInjection.PREFIX + "task-failure-rate", "1.0");
    try {
      failed = job.run(prepared);
    } finally {
      spark.conf().unset(FaultInjection.PREFIX + "task-failure-rate");
    }

    String log = printed.toString(StandardCharsets.UTF_8);
    System.out.print(log);
    List<ChunkRecord> ledger = catalog.runs().chunks(prepared.runId());
    assertThat(failed.state()).isEqualTo(RunState.FAILED);
    assertThat(failed.failedChunks()).hasSize(chunks);
    assertThat(ledger)
        .allSatisfy(
            c -> {
              assertThat(c.state()).isEqualTo(ChunkState.FAILED);
              assertThat(c.lastError())
                  .hasValueSatisfying(e -> assertThat(e).contains(FaultInjection.INJECTED));
            });
    assertThat(ledger.stream().mapToInt(ChunkRecord::attempts).sum())
        .as("chunk attempts in all")
        .isEqualTo(chunks + JOB_RETRIES);
    assertThat(log).contains("(retrying)").contains("(run's retry budget retries.job used up)");
    assertThat(catalog.runs().get(prepared.runId()).errorSummary())
        .hasValueSatisfying(e -> assertThat(e).contains(FaultInjection.INJECTED));
    assertThat(Files.exists(output)).as("nothing committed").isFalse();

    RunSummary rerun = job.run(prepared);

    assertThat(rerun.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(rerun.chunksRun()).isEqualTo(chunks);
    assertThat(catalog.runs().chunks(prepared.runId()))
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(ChunkState.COMMITTED));
    Set<Long> inputIds = LongStream.range(0, ROWS).boxed().collect(Collectors.toSet());
    FaultFixtures.Tables tables =
        FaultFixtures.tables(spark, output, inputIds).assertInvariants(Set.of());
    FaultSummary.record(
        "transient chunk failures, retry budget",
        "every first task attempt failed (rate 1.0, task"
            + " retries 1): "
            + chunks
            + " chunks x (1 + retries) capped by retries.job "
            + JOB_RETRIES
            + " = "
            + (chunks + JOB_RETRIES)
            + " chunk attempts, run FAILED; rerun without the fault committed all",
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
  }
}
