package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.RunFilter;
import io.lakebatch.catalog.store.RunOwner;
import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.submit.ConsoleRunListener;
import io.lakebatch.jobs.Lineage;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.api.RunSummary;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.udf.FaultInjection;
import io.lakebatch.udf.InspectedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog seen from real runs: registry references, run records, the ledger against the Delta
 * log, progress while a run is under way, lineage and the driver log. Runs against the embedded
 * database and against PostgreSQL (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CatalogEndToEndTest {
  private static final int FEATURES = 4;
  private static final long ROWS = 6_000;

  @TempDir static Path folder;
  private SparkSession spark;
  private Catalog catalog;
  private Path model;
  private Path input;

  /** A fresh, empty catalog for this class. */
  protected abstract Catalog openCatalog();

  @BeforeAll
  void setUp() {
    spark = LocalSpark.start();
    catalog = openCatalog();
    model = folder.resolve("models/eta.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    input = folder.resolve("input");
    SyntheticTables.write(spark, SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(6)
        .withBadEvery(1_000), input.toString());
  }

  @AfterAll
  void tearDown() {
    spark.stop();
  }

  private InferenceJob job(PrintStream out) {
    return new InferenceJob(spark, catalog, folder.resolve("runs"), new ConsoleRunListener(out));
  }

  private ModelVersion register(String name, Path file) {
    InspectedModel inspected = InspectedModel.of(file.toString());
    return catalog.models().register(name, inspected.uri(), inspected.sha256(), inspected.signature(),
        Optional.of("test model"), "tests");
  }

  private Path spec(String name, String modelLine, String features, Path output, long rowsPerChunk) throws Exception {
    String yaml = JobSpecs.mlp(name, model, input, "delta", output, rowsPerChunk, FEATURES)
        .replace("path: " + model, modelLine)
        .replace(JobSpecs.featureList(FEATURES), features);
    return JobSpecs.write(folder, name + ".yaml", yaml);
  }

  private Path refSpec(String name, String ref, Path output) throws Exception {
    return spec(name, "ref: " + ref, JobSpecs.featureList(FEATURES), output, 1_500);
  }

  @Test
  void aRunByReferenceIsRecordedWithItsLedgerAndLineage() throws Exception {
    ModelVersion v1 = register("eta", model);
    Path output = folder.resolve("by-ref");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InferenceJob job = job(new PrintStream(printed, true, StandardCharsets.UTF_8));

    PreparedRun prepared = job.prepare(JobSpecParser.parse(refSpec("by-ref", "eta@latest", output)));
    RunSummary summary = job.run(prepared);

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    RunRecord run = catalog.runs().get(prepared.runId());
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.modelName()).contains("eta");
    assertThat(run.modelVersion()).contains(v1.version());
    assertThat(run.modelSha256()).isEqualTo(v1.sha256());
    assertThat(run.specHash()).isEqualTo(prepared.specHash()).hasSize(64);
    assertThat(run.inputVersion()).isEqualTo(prepared.input().version());
    assertThat(run.rowsTotal()).isEqualTo(ROWS);
    assertThat(run.attempts()).isEqualTo(1);
    assertThat(catalog.runs().history(run.runId())).hasSize(4)
        .anySatisfy(line -> assertThat(line).contains("RUNNING -> SUCCEEDED"));

    List<ChunkRecord> ledger = catalog.runs().chunks(run.runId());
    assertThat(ledger).hasSize(summary.chunksTotal()).allSatisfy(c -> assertThat(c.state()).isEqualTo(ChunkState.COMMITTED));
    assertThat(ledger.stream().mapToLong(c -> c.rowsOut().orElseThrow() + c.deadLetterRows().orElseThrow()).sum())
        .isEqualTo(ROWS);
    assertThat(ledger.stream().mapToLong(c -> c.deadLetterRows().orElseThrow()).sum()).isEqualTo(12);

    List<Lineage.Entry> lineage = Lineage.of(spark, output.toString(), catalog);
    assertThat(lineage).hasSize(ledger.size());
    Map<Long, Integer> chunkByVersion = lineage.stream()
        .collect(Collectors.toMap(Lineage.Entry::version, e -> e.run().orElseThrow().chunk()));
    for (ChunkRecord chunk : ledger) {
      assertThat(chunkByVersion.get(chunk.deltaVersion().orElseThrow())).isEqualTo(chunk.chunk());
    }
    assertThat(lineage).allSatisfy(e -> {
      assertThat(e.run().orElseThrow().runId()).isEqualTo(run.runId());
      assertThat(e.run().orElseThrow().specHash()).isEqualTo(run.specHash());
      assertThat(e.run().orElseThrow().modelSha256()).isEqualTo(v1.sha256());
      assertThat(e.run().orElseThrow().inputVersion()).isEqualTo(run.inputVersion());
      assertThat(e.modelLabel()).isEqualTo("eta@" + v1.version());
    });
    assertThat(Lineage.render(output.toString(), lineage)).contains(run.runId()).contains("eta@" + v1.version());

    Path log = Path.of(run.logPath().orElseThrow());
    assertThat(Files.readString(log)).contains("chunk 1/" + ledger.size() + " committed")
        .contains("ended SUCCEEDED");
  }

  @Test
  void theLedgerIsRebuiltFromTheDeltaLog() throws Exception {
    Path output = folder.resolve("rebuild");
    Path specFile = spec("rebuild", "path: " + model, JobSpecs.featureList(FEATURES), output, 1_000);
    InferenceJob job = job(System.out);
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    job.run(prepared);
    List<ChunkRecord> before = catalog.runs().chunks(prepared.runId());
    int chunks = before.size();
    assertThat(chunks).isGreaterThanOrEqualTo(4);

    assertThat(catalog.runs().deleteLedger(prepared.runId())).isEqualTo(chunks);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InferenceJob again = job(new PrintStream(printed, true, StandardCharsets.UTF_8));
    RunSummary rerun = again.run(again.prepare(JobSpecParser.parse(specFile)));

    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("resuming run " + prepared.runId() + ": " + chunks + " of " + chunks + " chunks already committed")
        .contains("ledger: " + (2 * chunks) + " rows rebuilt from the Delta log");
    assertThat(rerun.chunksRun()).isZero();
    assertThat(rerun.state()).isEqualTo(RunState.SUCCEEDED);
    List<ChunkRecord> after = catalog.runs().chunks(prepared.runId());
    assertThat(after).extracting(ChunkRecord::chunk, ChunkRecord::state, ChunkRecord::deltaVersion,
            ChunkRecord::rowsOut, ChunkRecord::deadLetterRows)
        .isEqualTo(before.stream().map(c -> org.assertj.core.groups.Tuple.tuple(c.chunk(), c.state(), c.deltaVersion(),
            c.rowsOut(), c.deadLetterRows())).toList());
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(ROWS - 12);
    assertThat(catalog.runs().get(prepared.runId()).attempts()).isEqualTo(2);
  }

  @Test
  void progressIsVisibleWhileTheRunIsUnderWay() throws Exception {
    Path output = folder.resolve("progress");
    Path specFile = spec("progress", "path: " + model, JobSpecs.featureList(FEATURES), output, 750);
    InferenceJob job = job(new PrintStream(java.io.OutputStream.nullOutputStream()));
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    int chunks = prepared.plan().chunks().size();
    assertThat(chunks).isGreaterThanOrEqualTo(4);

    List<RunProgress> seen = new ArrayList<>();
    RunSummary summary;
    try (SlowTasks ignored = new SlowTasks()) {
      CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(() -> job.run(prepared));
      while (!running.isDone()) {
        catalog.runs().find(prepared.runId()).ifPresent(r -> seen.add(catalog.runs().progress(r.runId())));
        Thread.sleep(50);
      }
      summary = running.get(1, TimeUnit.MINUTES);
    }

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(seen).as("progress seen mid-run")
        .anySatisfy(p -> {
          assertThat(p.state()).isEqualTo(RunState.RUNNING);
          assertThat(p.chunksDone()).isBetween(1, chunks - 1);
          assertThat(p.rowsDone()).isBetween(1L, ROWS - 1);
          assertThat(p.rowsTotal()).isEqualTo(ROWS);
          assertThat(p.rowsPerSecond()).isPositive();
          assertThat(p.eta()).isPresent();
        });
    RunProgress end = catalog.runs().progress(prepared.runId());
    assertThat(end.rowsDone()).isEqualTo(ROWS);
    assertThat(end.chunksDone()).isEqualTo(chunks);
  }

  @Test
  void aCancelledRunStopsAtAChunkBoundaryAndARerunFinishesIt() throws Exception {
    Path output = folder.resolve("cancel");
    Path specFile = spec("cancel", "path: " + model, JobSpecs.featureList(FEATURES), output, 750);
    InferenceJob job = job(new PrintStream(java.io.OutputStream.nullOutputStream()));
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    int chunks = prepared.plan().chunks().size();

    RunRecord flagged;
    RunSummary cancelled;
    try (SlowTasks ignored = new SlowTasks()) {
      CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(() -> job.run(prepared));
      while (catalog.runs().find(prepared.runId()).map(r -> catalog.runs().progress(r.runId()).chunksDone() < 1)
          .orElse(true)) {
        assertThat(running).isNotDone();
        Thread.sleep(20);
      }
      flagged = catalog.runs().requestCancel(prepared.runId(), RunOwner.HEARTBEAT_TIMEOUT);
      cancelled = running.get(1, TimeUnit.MINUTES);
    }

    assertThat(flagged.cancelRequested()).isTrue();
    assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
    assertThat(catalog.runs().get(prepared.runId()).state()).isEqualTo(RunState.CANCELLED);
    assertThat(cancelled.chunksRun()).isBetween(1, chunks - 1);
    long committedRows = catalog.runs().chunks(prepared.runId()).stream()
        .filter(c -> c.state() == ChunkState.COMMITTED).mapToLong(c -> c.rowsOut().orElseThrow()).sum();
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(committedRows).isEqualTo(cancelled.rowsOut());

    RunSummary resumed = job(System.out).run(prepared);
    assertThat(resumed.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(resumed.chunksSkipped()).isEqualTo(cancelled.chunksRun());
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(ROWS - 12);
    assertThat(LocalSpark.distinctIds(spark, output.toString())).isEqualTo(ROWS - 12);
  }

  @Test
  void aChangedFileUnderARegisteredVersionIsRefusedAndNothingIsRecorded() throws Exception {
    Path file = folder.resolve("models/changing.onnx");
    Files.createDirectories(file.getParent());
    Files.copy(model, file);
    ModelVersion registered = register("changing", file);
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES).withSeed(99), file);
    int runsBefore = catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000)).size();

    LakeBatchException error = catchThrowableOfType(LakeBatchException.class, () -> job(System.out)
        .prepare(JobSpecParser.parse(refSpec("changing", "changing@" + registered.version(), folder.resolve("x")))));

    assertThat(error.category()).isEqualTo(ErrorCategory.DATA);
    assertThat(error.getMessage()).contains("changing@" + registered.version()).contains(registered.sha256())
        .contains("register it again");
    assertThat(catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000))).hasSize(runsBefore);
    assertThat(folder.resolve("x")).doesNotExist();
  }

  @Test
  void referencesAndSignaturesAreCheckedWithOneClearErrorEach() throws Exception {
    register("sig", model);
    Path out = folder.resolve("never");
    String all = JobSpecs.featureList(FEATURES);
    record Case(String name, String ref, String features, ErrorCategory category, String message) {}
    List<Case> cases = List.of(
        new Case("unknown-model", "nosuch@1", all, ErrorCategory.USER, "no model named 'nosuch'"),
        new Case("unknown-version", "sig@7", all, ErrorCategory.USER, "sig@7 does not exist"),
        new Case("too-few-columns", "sig@1", "[f0, f1]", ErrorCategory.DATA, "model.inputs.features: 2 columns given"),
        new Case("missing-column", "sig@1", "[f0, f1, f2, f99]", ErrorCategory.USER, "f99"),
        new Case("wrong-type", "sig@1", "[f0, f1, f2, id]", ErrorCategory.USER, "id"));
    int runsBefore = catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000)).size();
    for (Case c : cases) {
      LakeBatchException error = catchThrowableOfType(LakeBatchException.class,
          () -> job(System.out).prepare(JobSpecParser.parse(spec(c.name(), "ref: " + c.ref(), c.features(), out, 1_000))));
      assertThat(error).as(c.name()).isNotNull();
      assertThat(error.getMessage()).as(c.name()).contains(c.message());
      assertThat(error.category()).as(c.name() + ": " + error.getMessage()).isEqualTo(c.category());
    }
    assertThat(catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000))).hasSize(runsBefore);
    assertThat(out).doesNotExist();
  }

  @Test
  void aRunHeldByALiveDriverIsNotTakenTwice() throws Exception {
    Path output = folder.resolve("busy");
    Path specFile = spec("busy", "path: " + model, JobSpecs.featureList(FEATURES), output, 3_000);
    InferenceJob job = job(System.out);
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    catalog.runs().register(prepared.newRun());
    // another driver on this host, alive (the parent process) and with a fresh heartbeat (from its take)
    RunOwner other = RunOwner.of(ProcessHandle.current().parent().orElseThrow());
    catalog.runs().take(prepared.runId(), other, RunOwner.HEARTBEAT_TIMEOUT, () -> {});

    LakeBatchException error = catchThrowableOfType(LakeBatchException.class, () -> job.run(prepared));

    assertThat(error.category()).isEqualTo(ErrorCategory.USER);
    assertThat(error.getMessage()).contains("is PLANNING in").contains("lakebatch cancel " + prepared.runId());
    assertThat(catalog.runs().get(prepared.runId()).state()).isEqualTo(RunState.PLANNING);
    assertThat(catalog.runs().get(prepared.runId()).owner()).contains(other.toString());
    assertThat(output).doesNotExist();
  }

  /**
   * While open, every first task attempt sleeps {@value #SLOW_TASK_MILLIS} ms (the test hook), so a run of
   * small chunks lasts long enough for a poller to see it between chunks on a loaded machine.
   */
  private final class SlowTasks implements AutoCloseable {
    private static final long SLOW_TASK_MILLIS = 150;

    SlowTasks() {
      spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "1.0");
      spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", Long.toString(SLOW_TASK_MILLIS));
    }

    @Override
    public void close() {
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-rate");
      spark.conf().unset(FaultInjection.PREFIX + "slow-task-millis");
    }
  }
}
