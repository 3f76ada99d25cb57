package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunListener;
import io.lakebatch.api.RunOptions;
import io.lakebatch.api.RunSummary;
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
import io.lakebatch.jobs.Lineage;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.udf.InspectedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog seen from real runs: registry references, run records, the ledger against the Delta
 * log, progress while a run is under way, lineage and the driver log. Runs against the embedded
 * database and against PostgreSQL (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
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
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA)
            .withFiles(6)
            .withBadEvery(1_000),
        input.toString());
  }

  @AfterAll
  void tearDown() {
    spark.stop();
  }

  private InferenceJob job(PrintStream out) {
    return new InferenceJob(spark, catalog, folder.resolve("runs"), new ConsoleRunListener(out));
  }

  private LakeBatch lakeBatch() {
    return LakeBatch.with(spark, catalog).withRunFolders(folder.resolve("runs"));
  }

  private ModelVersion register(String name, Path file) {
    InspectedModel inspected = InspectedModel.of(file.toString());
    return catalog
        .models()
        .register(
            name,
            inspected.uri(),
            inspected.sha256(),
            inspected.signature(),
            Optional.of("test model"),
            "tests");
  }

  private Path spec(String name, String modelLine, String features, Path output, long rowsPerChunk)
      throws Exception {
    String yaml =
        JobSpecs.mlp(name, model, input, "delta", output, rowsPerChunk, FEATURES)
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

    PreparedRun prepared =
        job.prepare(JobSpecParser.parse(refSpec("by-ref", "eta@latest", output)));
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
    assertThat(catalog.runs().history(run.runId()))
        .hasSize(4)
        .anySatisfy(line -> assertThat(line).contains("RUNNING -> SUCCEEDED"));

    List<ChunkRecord> ledger = catalog.runs().chunks(run.runId());
    assertThat(ledger)
        .hasSize(summary.chunksTotal())
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(ChunkState.COMMITTED));
    assertThat(
            ledger.stream()
                .mapToLong(c -> c.rowsOut().orElseThrow() + c.deadLetterRows().orElseThrow())
                .sum())
        .isEqualTo(ROWS);
    assertThat(ledger.stream().mapToLong(c -> c.deadLetterRows().orElseThrow()).sum())
        .isEqualTo(12);

    List<Lineage.Entry> lineage = Lineage.of(spark, output.toString(), catalog);
    assertThat(lineage).hasSize(ledger.size());
    Map<Long, Integer> chunkByVersion =
        lineage.stream()
            .collect(Collectors.toMap(Lineage.Entry::version, e -> e.run().orElseThrow().chunk()));
    for (ChunkRecord chunk : ledger) {
      assertThat(chunkByVersion.get(chunk.deltaVersion().orElseThrow())).isEqualTo(chunk.chunk());
    }
    assertThat(lineage)
        .allSatisfy(
            e -> {
              assertThat(e.run().orElseThrow().runId()).isEqualTo(run.runId());
              assertThat(e.run().orElseThrow().specHash()).isEqualTo(run.specHash());
              assertThat(e.run().orElseThrow().modelSha256()).isEqualTo(v1.sha256());
              assertThat(e.run().orElseThrow().inputVersion()).isEqualTo(run.inputVersion());
              assertThat(e.modelLabel()).isEqualTo("eta@" + v1.version());
            });
    assertThat(Lineage.render(output.toString(), lineage))
        .contains(run.runId())
        .contains("eta@" + v1.version());

    Path log = Path.of(run.logPath().orElseThrow());
    assertThat(Files.readString(log))
        .contains("chunk 1/" + ledger.size() + " committed")
        .contains("ended SUCCEEDED");
  }

  @Test
  void theLedgerIsRebuiltFromTheDeltaLog() throws Exception {
    Path output = folder.resolve("rebuild");
    Path specFile =
        spec("rebuild", "path: " + model, JobSpecs.featureList(FEATURES), output, 1_000);
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
        .contains(
            "resuming run "
                + prepared.runId()
                + ": "
                + chunks
                + " of "
                + chunks
                + " chunks already committed")
        .contains("ledger: " + (2 * chunks) + " rows rebuilt from the Delta log");
    assertThat(rerun.chunksRun()).isZero();
    assertThat(rerun.state()).isEqualTo(RunState.SUCCEEDED);
    List<ChunkRecord> after = catalog.runs().chunks(prepared.runId());
    assertThat(after)
        .extracting(
            ChunkRecord::chunk,
            ChunkRecord::state,
            ChunkRecord::deltaVersion,
            ChunkRecord::rowsOut,
            ChunkRecord::deadLetterRows)
        .isEqualTo(
            before.stream()
                .map(
                    c ->
                        org.assertj.core.groups.Tuple.tuple(
                            c.chunk(),
                            c.state(),
                            c.deltaVersion(),
                            c.rowsOut(),
                            c.deadLetterRows()))
                .toList());
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(ROWS - 12);
    assertThat(catalog.runs().get(prepared.runId()).attempts()).isEqualTo(2);
  }

  @Test
  void progressIsVisibleWhileTheRunIsUnderWay() throws Exception {
    Path output = folder.resolve("progress");
    Path specFile = spec("progress", "path: " + model, JobSpecs.featureList(FEATURES), output, 750);
    // What the store says right after each chunk commit, read on the run's own thread (the listener
    // runs there, so the run is exactly between two chunks).
    List<RunProgress> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    RecordingRunListener events = new RecordingRunListener();
    RunHandle handle =
        lakeBatch()
            .run(
                JobSpecParser.parse(specFile),
                RunOptions.defaults()
                    .withListener(events)
                    .withListener(
                        new RunListener() {
                          @Override
                          public void chunkCommitted(RunEvent.ChunkCommitted event) {
                            seen.add(catalog.runs().progress(event.runId()));
                          }
                        }));
    int chunks = handle.plan().chunks();
    assertThat(chunks).isGreaterThanOrEqualTo(4);

    RunEvent.ChunkCommitted first =
        events.await(RunEvent.ChunkCommitted.class, e -> true, 1, Duration.ofMinutes(1));
    RunSummary summary = handle.await(Duration.ofMinutes(1)).orElseThrow();

    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(first.progress().chunksDone()).isEqualTo(1);
    assertThat(seen)
        .as("progress seen mid-run")
        .hasSize(chunks)
        .anySatisfy(
            p -> {
              assertThat(p.state()).isEqualTo(RunState.RUNNING);
              assertThat(p.chunksDone()).isBetween(1, chunks - 1);
              assertThat(p.rowsDone()).isBetween(1L, ROWS - 1);
              assertThat(p.rowsTotal()).isEqualTo(ROWS);
              assertThat(p.rowsPerSecond()).isPositive();
              assertThat(p.eta()).isPresent();
            });
    assertThat(events.events(RunEvent.ProgressUpdated.class))
        .extracting(e -> e.progress().chunksDone())
        .as("one progress event per chunk, in order")
        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, chunks).boxed().toList());
    assertThat(events.events(RunEvent.RunEnded.class))
        .singleElement()
        .satisfies(e -> assertThat(e.summary()).contains(summary));
    RunProgress end = handle.progress();
    assertThat(end.rowsDone()).isEqualTo(ROWS);
    assertThat(end.chunksDone()).isEqualTo(chunks);
    assertThat(lakeBatch().status(handle.runId()))
        .satisfies(
            status -> {
              assertThat(status.state()).isEqualTo(RunState.SUCCEEDED);
              assertThat(status.chunksDone()).isEqualTo(chunks);
            });
  }

  @Test
  void aCancelledRunStopsAtAChunkBoundaryAndARerunFinishesIt() throws Exception {
    Path output = folder.resolve("cancel");
    Path specFile = spec("cancel", "path: " + model, JobSpecs.featureList(FEATURES), output, 750);
    InferenceJob job = job(new PrintStream(java.io.OutputStream.nullOutputStream()));
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    int chunks = prepared.plan().chunks().size();

    // `lakebatch cancel` flags the run in the store right after its first chunk is committed (on
    // the
    // run's thread, so no second chunk can start before the flag is set).
    java.util.concurrent.atomic.AtomicReference<RunRecord> flagged =
        new java.util.concurrent.atomic.AtomicReference<>();
    RunListener cancelAfterFirstChunk =
        new RunListener() {
          @Override
          public void chunkCommitted(RunEvent.ChunkCommitted event) {
            if (flagged.get() == null) {
              flagged.set(catalog.runs().requestCancel(event.runId(), RunOwner.HEARTBEAT_TIMEOUT));
            }
          }
        };
    RunSummary cancelled = job.withListeners(List.of(cancelAfterFirstChunk)).run(prepared);

    assertThat(flagged.get().cancelRequested()).isTrue();
    assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
    assertThat(catalog.runs().get(prepared.runId()).state()).isEqualTo(RunState.CANCELLED);
    assertThat(cancelled.chunksRun()).isEqualTo(1).isLessThan(chunks);
    long committedRows =
        catalog.runs().chunks(prepared.runId()).stream()
            .filter(c -> c.state() == ChunkState.COMMITTED)
            .mapToLong(c -> c.rowsOut().orElseThrow())
            .sum();
    assertThat(LocalSpark.count(spark, output.toString()))
        .isEqualTo(committedRows)
        .isEqualTo(cancelled.rowsOut());

    RunSummary resumed = job(System.out).run(prepared);
    assertThat(resumed.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(resumed.chunksSkipped()).isEqualTo(cancelled.chunksRun());
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(ROWS - 12);
    assertThat(LocalSpark.distinctIds(spark, output.toString())).isEqualTo(ROWS - 12);
  }

  @Test
  void cancelOnTheHandleStopsTheRunAtItsNextChunkBoundary() throws Exception {
    Path output = folder.resolve("cancel-handle");
    Path specFile =
        spec("cancel-handle", "path: " + model, JobSpecs.featureList(FEATURES), output, 750);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<RunHandle> handle =
        new java.util.concurrent.atomic.AtomicReference<>();
    RunListener holdFirstChunk =
        new RunListener() {
          @Override
          public void chunkCommitted(RunEvent.ChunkCommitted event) {
            try {
              assertThat(cancelled.await(1, TimeUnit.MINUTES)).as("cancel called").isTrue();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    RecordingRunListener events = new RecordingRunListener();
    handle.set(
        lakeBatch()
            .run(
                JobSpecParser.parse(specFile),
                RunOptions.defaults().withListener(events).withListener(holdFirstChunk)));
    events.await(RunEvent.ChunkCommitted.class, e -> e.chunk() == 0, 1, Duration.ofMinutes(1));
    handle.get().cancel();
    assertThat(catalog.runs().get(handle.get().runId()).cancelRequested())
        .as("flagged in the store")
        .isTrue();
    cancelled.countDown();
    RunSummary summary = handle.get().await(Duration.ofMinutes(1)).orElseThrow();

    assertThat(summary.state()).isEqualTo(RunState.CANCELLED);
    assertThat(summary.chunksRun()).isEqualTo(1);
    assertThat(handle.get().summary()).contains(summary);
    assertThat(catalog.runs().get(handle.get().runId()).state()).isEqualTo(RunState.CANCELLED);
    assertThat(LocalSpark.count(spark, output.toString())).isEqualTo(summary.rowsOut());
  }

  @Test
  void aChangedFileUnderARegisteredVersionIsRefusedAndNothingIsRecorded() throws Exception {
    Path file = folder.resolve("models/changing.onnx");
    Files.createDirectories(file.getParent());
    Files.copy(model, file);
    ModelVersion registered = register("changing", file);
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES).withSeed(99), file);
    int runsBefore =
        catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000)).size();

    LakeBatchException error =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                job(System.out)
                    .prepare(
                        JobSpecParser.parse(
                            refSpec(
                                "changing",
                                "changing@" + registered.version(),
                                folder.resolve("x")))));

    assertThat(error.category()).isEqualTo(ErrorCategory.DATA);
    assertThat(error.getMessage())
        .contains("changing@" + registered.version())
        .contains(registered.sha256())
        .contains("register it again");
    assertThat(catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000)))
        .hasSize(runsBefore);
    assertThat(folder.resolve("x")).doesNotExist();
  }

  @Test
  void referencesAndSignaturesAreCheckedWithOneClearErrorEach() throws Exception {
    register("sig", model);
    Path out = folder.resolve("never");
    String all = JobSpecs.featureList(FEATURES);
    record Case(String name, String ref, String features, ErrorCategory category, String message) {}
    List<Case> cases =
        List.of(
            new Case(
                "unknown-model", "nosuch@1", all, ErrorCategory.USER, "no model named 'nosuch'"),
            new Case("unknown-version", "sig@7", all, ErrorCategory.USER, "sig@7 does not exist"),
            new Case(
                "too-few-columns",
                "sig@1",
                "[f0, f1]",
                ErrorCategory.DATA,
                "model.inputs.features: 2 columns given"),
            new Case("missing-column", "sig@1", "[f0, f1, f2, f99]", ErrorCategory.USER, "f99"),
            new Case("wrong-type", "sig@1", "[f0, f1, f2, id]", ErrorCategory.USER, "id"));
    int runsBefore =
        catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000)).size();
    for (Case c : cases) {
      LakeBatchException error =
          catchThrowableOfType(
              LakeBatchException.class,
              () ->
                  job(System.out)
                      .prepare(
                          JobSpecParser.parse(
                              spec(c.name(), "ref: " + c.ref(), c.features(), out, 1_000))));
      assertThat(error).as(c.name()).isNotNull();
      assertThat(error.getMessage()).as(c.name()).contains(c.message());
      assertThat(error.category()).as(c.name() + ": " + error.getMessage()).isEqualTo(c.category());
    }
    assertThat(catalog.runs().list(new RunFilter(Optional.empty(), Optional.empty(), 1000)))
        .hasSize(runsBefore);
    assertThat(out).doesNotExist();
  }

  @Test
  void aRunHeldByALiveDriverIsNotTakenTwice() throws Exception {
    Path output = folder.resolve("busy");
    Path specFile = spec("busy", "path: " + model, JobSpecs.featureList(FEATURES), output, 3_000);
    InferenceJob job = job(System.out);
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    catalog.runs().register(prepared.newRun());
    // another driver on this host, alive (the parent process) and with a fresh heartbeat (from its
    // take)
    RunOwner other = RunOwner.of(ProcessHandle.current().parent().orElseThrow());
    catalog.runs().take(prepared.runId(), other, RunOwner.HEARTBEAT_TIMEOUT, () -> {});

    LakeBatchException error =
        catchThrowableOfType(LakeBatchException.class, () -> job.run(prepared));

    assertThat(error.category()).isEqualTo(ErrorCategory.USER);
    assertThat(error.getMessage())
        .contains("is PLANNING in")
        .contains("lakebatch cancel " + prepared.runId());
    assertThat(catalog.runs().get(prepared.runId()).state()).isEqualTo(RunState.PLANNING);
    assertThat(catalog.runs().get(prepared.runId()).owner()).contains(other.toString());
    assertThat(output).doesNotExist();
  }
}
