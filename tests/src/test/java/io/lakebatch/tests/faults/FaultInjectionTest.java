package io.lakebatch.tests.faults;

import static io.lakebatch.tests.faults.FaultFixtures.FEATURES;
import static io.lakebatch.tests.faults.FaultFixtures.FEATURE_COLUMNS;
import static io.lakebatch.tests.faults.FaultFixtures.spec;
import static io.lakebatch.tests.faults.FaultFixtures.write;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.RunFilter;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.planner.Chunk;
import io.lakebatch.planner.FileSplit;
import io.lakebatch.submit.LakeBatchCli;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.udf.FaultInjection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a driver killed again and again, transient task failures, a corrupt input file,
 * malformed rows, broken models, slow tasks under speculation. Every case checks that rows out =
 * rows in − dead-letter rows, that no id is written twice, and that the dead-letter table holds
 * exactly the planted bad rows; each records a line of {@link FaultSummary}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {
  private static final ResourceSpec LOCAL = new ResourceSpec("local[2]", 1, 2, "2g", 0);
  private static final long DEFAULT_SEED = 20_261_123L;

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path home;
  private static Catalog catalog;
  private static Path model;

  @BeforeAll
  static void start() {
    spark = SparkSessionFactory.create("faults", LOCAL, 3);
    // Not under the @TempDir: the embedded database stays open until the JVM exits.
    home =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "lakebatch-faults-home-" + java.util.UUID.randomUUID());
    // Opened here first, so this JVM serves the embedded database to the drivers it starts and
    // kills.
    catalog = Catalog.open(CatalogConfig.embedded(home));
    model = tmp.resolve("mlp4.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    System.out.println(
        "\nFault injection summary ("
            + FaultSummary.folder().resolve("summary.md")
            + "):\n"
            + FaultSummary.writeMarkdown());
  }

  // ---------------------------------------------------------------------------------------------
  // 1. driver SIGKILL at random points, then resumed

  private static final long KILL_ROWS = 48_000;
  private static final long KILL_ROWS_PER_CHUNK = 3_000;
  private static final int CALIBRATION_COMMITS = 3;

  /** One killed (or finished) driver. */
  private record Kill(
      int index,
      long delayMillis,
      int exitCode,
      String category,
      String phase,
      int outputChunks,
      int ledgerChunks,
      int deadLetterChunks) {}

  @Test
  @Order(1)
  void driverKilledAtRandomPointsResumesWithoutLossOrDuplicates() throws Exception {
    long seed = Long.getLong("lakebatch.faults.seed", DEFAULT_SEED);
    int kills = Integer.getInteger("lakebatch.faults.kills", 10);
    Path dir = tmp.resolve("kill");
    Path input = dir.resolve("in");
    SyntheticTableOptions options =
        SyntheticTableOptions.of(KILL_ROWS, FEATURES, TableFormat.DELTA)
            .withFiles((int) (KILL_ROWS / KILL_ROWS_PER_CHUNK))
            .withBadEvery(1_000);
    SyntheticTables.write(spark, options, input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        write(
            dir,
            "kill.yaml",
            spec(
                "fault-kill",
                model,
                "delta",
                input,
                FEATURE_COLUMNS,
                output,
                """
        batch-size: 256
        rows-per-chunk: %d
        max-bad-row-fraction: 0.2
        retries: {task: 2, chunk: 1}
        """
                    .formatted(KILL_ROWS_PER_CHUNK)));
    PreparedRun prepared = job(System.out).prepare(JobSpecParser.parse(specFile));
    String runId = prepared.runId();
    int chunks = prepared.plan().chunks().size();
    // a file is one row group here, so chunks follow files: about one per file
    assertThat(chunks).isGreaterThanOrEqualTo((int) (KILL_ROWS / KILL_ROWS_PER_CHUNK) * 2 / 3);

    // Calibration: how long a fresh driver takes to commit a few chunks; it is killed right then.
    List<Kill> log = new ArrayList<>();
    long started = System.nanoTime();
    Path calibrationLog = dir.resolve("driver-0.log");
    Process first = startDriver(specFile, calibrationLog, dir.resolve("driver-0-tmp"));
    while (FaultFixtures.committedChunks(output).size() < CALIBRATION_COMMITS) {
      if (!first.isAlive()) {
        throw new AssertionError(
            "driver exited "
                + first.exitValue()
                + " before "
                + CALIBRATION_COMMITS
                + " commits:\n"
                + Files.readString(calibrationLog));
      }
      assertThat(System.nanoTime() - started)
          .as("calibration time")
          .isLessThan(TimeUnit.MINUTES.toNanos(4));
      Thread.sleep(20);
    }
    long horizon = (System.nanoTime() - started) / 1_000_000;
    log.add(kill(0, horizon, first, calibrationLog, dir.resolve("driver-0-tmp"), runId, output));

    // Seeded kills, uniform in [1 s, horizon], one in each of `kills` equal slices of it (so the
    // late
    // phases, which a resuming driver reaches only after its start-up, are hit too), in shuffled
    // order:
    // JVM start, Spark start, planning, ledger sync, mid-chunk, between commits.
    Random random = new Random(seed);
    double slice = Math.max(1, horizon - 1_000) / (double) kills;
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      delays.add(1_000 + (long) ((i + random.nextDouble()) * slice));
    }
    java.util.Collections.shuffle(delays, random);
    for (int i = 1; i <= kills; i++) {
      long delay = delays.get(i - 1);
      Path driverLog = dir.resolve("driver-" + i + ".log");
      Path driverTmp = dir.resolve("driver-" + i + "-tmp");
      Process driver = startDriver(specFile, driverLog, driverTmp);
      if (driver.waitFor(delay, TimeUnit.MILLISECONDS) && driver.exitValue() != 0) {
        throw new AssertionError(
            "driver "
                + i
                + " failed (exit "
                + driver.exitValue()
                + ") before its kill:\n"
                + Files.readString(driverLog));
      }
      log.add(kill(i, delay, driver, driverLog, driverTmp, runId, output));
    }
    System.out.printf(
        "%nSIGKILLs of `lakebatch run` (seed %d, horizon %d ms = a fresh driver's time to %d commits):%n",
        seed, horizon, CALIBRATION_COMMITS);
    System.out.printf(
        "%-4s %8s %5s %7s %7s %7s  %s%n",
        "kill", "delay ms", "exit", "output", "ledger", "dead-l", "phase at the kill");
    for (Kill k : log) {
      System.out.printf(
          "%-4d %8d %5d %7d %7d %7d  %s%n",
          k.index(),
          k.delayMillis(),
          k.exitCode(),
          k.outputChunks(),
          k.ledgerChunks(),
          k.deadLetterChunks(),
          k.phase());
    }

    // Finish the run here, as a last driver would, and check the tables and the ledger.
    int committedBefore = FaultFixtures.committedChunks(output).size();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InferenceJob job = job(tee(printed));
    RunSummary summary = job.run(job.prepare(JobSpecParser.parse(specFile)));
    System.out.print(summary.render());

    assertThat(summary.runId()).isEqualTo(runId);
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.chunksSkipped()).isEqualTo(committedBefore);
    assertThat(summary.chunksRun()).isEqualTo(chunks - committedBefore);
    Set<Long> all = LongStream.range(0, KILL_ROWS).boxed().collect(Collectors.toSet());
    Set<Long> planted = all.stream().filter(options::isBad).collect(Collectors.toSet());
    FaultFixtures.Tables tables = FaultFixtures.tables(spark, output, all);
    Map<String, Long> phases =
        log.stream()
            .collect(Collectors.groupingBy(Kill::category, TreeMap::new, Collectors.counting()));
    FaultSummary.record(
        "1 driver SIGKILL, resumed",
        log.size()
            + " SIGKILLs of `lakebatch run` (1 after "
            + CALIBRATION_COMMITS
            + " commits + "
            + kills
            + " seeded, one in each of "
            + kills
            + " slices of [1 s, "
            + horizon
            + " ms]); phases "
            + phases
            + "; "
            + committedBefore
            + "/"
            + chunks
            + " chunks committed by the killed drivers",
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
    tables.assertInvariants(planted);

    List<Integer> outputTxns = FaultFixtures.committedChunkList(output);
    List<Integer> deadLetterTxns =
        FaultFixtures.committedChunkList(FaultFixtures.deadLetterPath(output));
    assertThat(outputTxns)
        .as("one output commit per chunk")
        .hasSize(chunks)
        .doesNotHaveDuplicates();
    assertThat(deadLetterTxns)
        .as("at most one dead-letter commit per chunk")
        .doesNotHaveDuplicates();
    List<ChunkRecord> ledger = catalog.runs().chunks(runId);
    assertThat(ledger)
        .hasSize(chunks)
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(ChunkState.COMMITTED));
    assertThat(ledger.stream().map(c -> c.deltaVersion().orElseThrow()).distinct().count())
        .as("distinct output versions in the ledger")
        .isEqualTo(chunks);
    assertThat(ledger.stream().mapToLong(c -> c.rowsOut().orElseThrow()).sum())
        .as("rows out in the ledger")
        .isEqualTo(tables.rowsOut());
    assertThat(ledger.stream().mapToLong(c -> c.deadLetterRows().orElseThrow()).sum())
        .as(
            "dead letters in the ledger (short when a kill fell between a chunk's two commits: see case 4b)")
        .isEqualTo(tables.deadLetter());
    assertThat(catalog.runs().get(runId).state()).isEqualTo(RunState.SUCCEEDED);
    System.out.printf(
        "run %s: %d attempts in the run store; history:%n  %s%n",
        runId,
        catalog.runs().get(runId).attempts(),
        String.join("\n  ", catalog.runs().history(runId)));
  }

  private static Kill kill(
      int index,
      long delay,
      Process driver,
      Path driverLog,
      Path driverTmp,
      String runId,
      Path output)
      throws Exception {
    boolean finished = !driver.isAlive();
    driver.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
    assertThat(driver.waitFor(30, TimeUnit.SECONDS)).as("killed driver gone").isTrue();
    String text = Files.readString(driverLog);
    Set<Integer> out = FaultFixtures.committedChunks(output);
    Set<Integer> dead = FaultFixtures.committedChunks(FaultFixtures.deadLetterPath(output));
    Set<Integer> ledger =
        catalog.runs().find(runId).map(r -> catalog.runs().chunks(runId)).orElse(List.of()).stream()
            .filter(c -> c.state() == ChunkState.COMMITTED)
            .map(ChunkRecord::chunk)
            .collect(Collectors.toCollection(TreeSet::new));
    long committedHere = text.lines().filter(l -> l.matches("chunk \\d+/\\d+ committed.*")).count();
    String category;
    String phase;
    if (finished) {
      category = "finished";
      phase = "finished before the kill (exit " + driver.exitValue() + ")";
    } else if (!sparkStarted(driverTmp)) {
      category = "JVM start";
      phase = "JVM start (no SparkContext yet)";
    } else if (!text.contains("preflight:")) {
      category = "Spark start/planning";
      phase = "Spark start / planning (before the preflight)";
    } else if (!text.contains("run " + runId + ":")) {
      category = "registering/ledger sync";
      phase = "registering / syncing the ledger";
    } else {
      Set<Integer> deadOnly = new TreeSet<>(dead);
      deadOnly.removeAll(out);
      Set<Integer> notInLedger = new TreeSet<>(out);
      notInLedger.removeAll(ledger);
      if (!notInLedger.isEmpty()) {
        category = "between Delta commit and ledger";
        phase = "between the Delta commit and the ledger update of chunk(s) " + notInLedger;
      } else if (!deadOnly.isEmpty()) {
        category = "between dead-letter and output commit";
        phase = "between the dead-letter and the output commit of chunk(s) " + deadOnly;
      } else {
        category = "mid-chunk";
        phase = "mid-chunk, " + committedHere + " chunk(s) committed by this driver";
      }
    }
    return new Kill(
        index, delay, driver.exitValue(), category, phase, out.size(), ledger.size(), dead.size());
  }

  /**
   * Whether a driver's Spark created its local folder (its blockmgr) under the driver's own tmpdir.
   */
  private static boolean sparkStarted(Path driverTmp) throws IOException {
    if (!Files.isDirectory(driverTmp)) {
      return false;
    }
    try (Stream<Path> files = Files.list(driverTmp)) {
      return files.anyMatch(
          p ->
              p.getFileName().toString().startsWith("spark-")
                  || p.getFileName().toString().startsWith("blockmgr-"));
    }
  }

  private static final long DRIVER_SLOW_TASK_MILLIS = 250;

  private static Process startDriver(Path specFile, Path log, Path driverTmp) throws IOException {
    Files.createDirectories(driverTmp);
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SparkSessionFactory.JAVA_MODULE_FLAGS);
    command.add("-Xmx1g");
    // C1 only and the serial collector: a short-lived driver starts in about half the time on 2
    // busy
    // cores, so the kills cover more of a run; neither changes what a SIGKILL does.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.io.tmpdir=" + driverTmp);
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      command.add("-Dlog4j2.configurationFile=" + log4j);
    }
    command.add("-Dlakebatch.home=" + home);
    // A chunk scores in well under a second; each first task attempt sleeps a little so that a good
    // share of the seeded kills land while a chunk runs: mid-chunk, with output files staged but
    // not
    // committed, and between the dead-letter and the output commit (Spark reads spark.*
    // properties).
    command.add("-D" + FaultInjection.PREFIX + "slow-task-rate=1.0");
    command.add("-D" + FaultInjection.PREFIX + "slow-task-millis=" + DRIVER_SLOW_TASK_MILLIS);
    command.addAll(
        List.of("-cp", classpath, LakeBatchCli.class.getName(), "run", specFile.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  // ---------------------------------------------------------------------------------------------
  // 2. transient task failures at 10 %

  @Test
  @Order(2)
  void transientTaskFailuresAreRetriedBySpark() throws Exception {
    long seed = Long.getLong("lakebatch.faults.seed", DEFAULT_SEED);
    double rate = 0.1;
    Path dir = tmp.resolve("transient");
    Path input = dir.resolve("in");
    long rows = 24_000;
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA).withFiles(96),
        input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        write(
            dir,
            "transient.yaml",
            spec(
                "fault-transient",
                model,
                "delta",
                input,
                FEATURE_COLUMNS,
                output,
                """
        batch-size: 256
        rows-per-chunk: 6000
        rows-per-task: 250
        retries: {task: 3, chunk: 2}
        """));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InferenceJob job = job(tee(printed));
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    int tasks = prepared.plan().taskCount();
    assertThat(tasks).as("enough tasks for 10 %% to hit some").isGreaterThanOrEqualTo(60);

    spark.conf().set(FaultInjection.PREFIX + "task-failure-rate", Double.toString(rate));
    spark.conf().set(FaultInjection.PREFIX + "seed", Long.toString(seed));
    TaskEvents events = TaskEvents.listen(spark);
    RunSummary summary;
    try {
      summary = job.run(prepared);
    } finally {
      events.close();
      spark.conf().unset(FaultInjection.PREFIX + "task-failure-rate");
      spark.conf().unset(FaultInjection.PREFIX + "seed");
    }
    System.out.print(summary.render());

    List<TaskEvents.Attempt> injected = events.injected();
    System.out.printf(
        "injected task failures: %d of %d planned inference tasks (rate %.2f, seed %d); other failures %s%n",
        injected.size(), tasks, rate, seed, events.otherFailures());
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.failedChunks()).isEmpty();
    assertThat(summary.chunksRun()).isEqualTo(summary.chunksTotal());
    assertThat(injected)
        .as("injected failures")
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.attempt()).isZero());
    assertThat(events.otherFailures()).isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .as("Spark's task retry absorbed every fault")
        .doesNotContain("attempt 1 failed");
    List<TaskEvents.Attempt> succeeded = events.succeeded();
    for (TaskEvents.Attempt failure : injected) {
      assertThat(succeeded)
          .as("a later attempt of the failed task succeeded")
          .anyMatch(
              s ->
                  s.stage() == failure.stage()
                      && s.partition() == failure.partition()
                      && s.attempt() > 0);
    }
    // Which tasks fail follows from the seed, the stage and the partition (FaultInjection's
    // contract).
    Map<Integer, Set<Integer>> failedByStage =
        injected.stream()
            .collect(
                Collectors.groupingBy(
                    TaskEvents.Attempt::stage,
                    TreeMap::new,
                    Collectors.mapping(TaskEvents.Attempt::partition, Collectors.toSet())));
    int hookedTasks = 0;
    for (Map.Entry<Integer, Set<Integer>> stage : failedByStage.entrySet()) {
      int partitions =
          (int)
              succeeded.stream()
                  .filter(s -> s.stage() == stage.getKey())
                  .mapToInt(TaskEvents.Attempt::partition)
                  .distinct()
                  .count();
      hookedTasks += partitions;
      Set<Integer> predicted = new HashSet<>();
      for (int p = 0; p < partitions; p++) {
        if (new SplittableRandom(seed * 1_000_003L + stage.getKey() * 10_007L + p).nextDouble()
            < rate) {
          predicted.add(p);
        }
      }
      assertThat(stage.getValue())
          .as("failed partitions of stage " + stage.getKey())
          .isEqualTo(predicted);
    }
    System.out.printf(
        "  stages hit: %d, their tasks: %d, failed first attempts: %d%n",
        failedByStage.size(), hookedTasks, injected.size());

    Set<Long> all = LongStream.range(0, rows).boxed().collect(Collectors.toSet());
    FaultFixtures.Tables tables =
        FaultFixtures.tables(spark, output, all).assertInvariants(Set.of());
    assertThat(summary.rowsOut()).isEqualTo(tables.rowsOut());
    FaultSummary.record(
        "2 transient task failures",
        injected.size()
            + " injected task failures (rate "
            + rate
            + " of first attempts, "
            + tasks
            + " inference tasks, seed "
            + seed
            + "); all retried by Spark, 0 chunk retries",
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
  }

  // ---------------------------------------------------------------------------------------------
  // 3. corrupt / truncated input file

  @Test
  @Order(3)
  void truncatedInputFilesFailOnlyTheirChunks() throws Exception {
    Path dir = tmp.resolve("truncated");
    Path input = dir.resolve("in");
    int files = 6;
    long perFile = 1_000;
    for (int f = 0; f < files; f++) {
      spark
          .range(f * perFile, (f + 1) * perFile, 1, 1)
          .selectExpr(
              "id",
              "cast(rand(" + f + ") * 2 - 1 as float) as f0",
              "cast(rand(" + (f + 100) + ") * 2 - 1 as float) as f1",
              "cast(rand(" + (f + 200) + ") * 2 - 1 as float) as f2",
              "cast(rand(" + (f + 300) + ") * 2 - 1 as float) as f3")
          .write()
          .format("delta")
          .mode(f == 0 ? SaveMode.Overwrite : SaveMode.Append)
          .save(input.toString());
    }
    Path output = dir.resolve("out");
    Path specFile =
        write(
            dir,
            "truncated.yaml",
            spec(
                "fault-truncated",
                model,
                "delta",
                input,
                FEATURE_COLUMNS,
                output,
                """
        batch-size: 256
        rows-per-chunk: %d
        rows-per-task: %d
        retries: {task: 3, chunk: 2}
        """
                    .formatted(perFile, perFile)));
    PreparedRun planned = job(System.out).prepare(JobSpecParser.parse(specFile));
    List<Chunk> chunks = planned.plan().chunks();
    assertThat(chunks)
        .hasSize(files)
        .allSatisfy(
            c ->
                assertThat(c.splits().stream().map(FileSplit::path).distinct())
                    .as("one file per chunk")
                    .hasSize(1));
    // Two files cut to a third, in chunks 2 and 4 (not chunk 0: the driver's preflight reads its
    // first
    // split, see the report). Chunk 2's file keeps the .crc sidecar Hadoop's local file system
    // writes,
    // so its reader fails with a ChecksumException (as on HDFS); chunk 4's loses it, so the reader
    // meets
    // the cut file itself (as on an object store): "not a Parquet file".
    Map<Integer, Path> victims = new TreeMap<>();
    Set<Long> lostIds = new HashSet<>();
    for (int chunk : List.of(2, 4)) {
      String path = chunks.get(chunk).splits().get(0).path();
      Path file = Path.of(new org.apache.hadoop.fs.Path(path).toUri().getPath());
      spark
          .read()
          .parquet(path)
          .select("id")
          .collectAsList()
          .forEach(r -> lostIds.add(r.getLong(0)));
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(raf.length() / 3);
      }
      if (chunk == 4) {
        Files.delete(file.resolveSibling("." + file.getFileName() + ".crc"));
      }
      victims.put(chunk, file);
    }
    assertThat(lostIds).hasSize((int) (2 * perFile));
    Set<Long> readable =
        LongStream.range(0, files * perFile)
            .boxed()
            .filter(id -> !lostIds.contains(id))
            .collect(Collectors.toSet());
    String faults =
        "2 of "
            + files
            + " data files cut to 1/3 (chunk 2 with its .crc, chunk 4 without; their "
            + lostIds.size()
            + " rows are in the failed chunks, not counted in)";

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InferenceJob job = job(tee(printed));
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    assertThat(prepared.runId()).isEqualTo(planned.runId());
    TaskEvents events = TaskEvents.listen(spark);
    RunSummary summary;
    try {
      summary = job.run(prepared);
    } catch (Exception e) { // org.apache.spark.SparkException is checked but thrown undeclared
      FaultFixtures.Tables tables = FaultFixtures.tables(spark, output, readable);
      FaultSummary.record(
          "3 truncated input files",
          faults
              + ": run ABORTED by "
              + e.getClass().getSimpleName()
              + " escaping the chunk retry loop (main-code bug)",
          tables.rowsIn(),
          tables.rowsOut(),
          tables.deadLetter(),
          tables.duplicates(),
          tables.lost());
      throw new AssertionError(
          "a chunk of an unreadable file aborted the whole run instead of failing alone"
              + " (run state now "
              + catalog.runs().get(prepared.runId()).state()
              + ")",
          e);
    } finally {
      events.close();
    }
    System.out.print(summary.render());

    assertThat(summary.state()).isEqualTo(RunState.PARTIAL);
    assertThat(summary.chunksRun()).isEqualTo(files - 2);
    assertThat(summary.failedChunks()).hasSize(2);
    int i = 0;
    for (Map.Entry<Integer, Path> victim : victims.entrySet()) {
      assertThat(summary.failedChunks().get(i++))
          .as("failure of chunk " + victim.getKey() + " (DATA: one attempt)")
          .startsWith("chunk " + victim.getKey() + " after 1 attempt(s)")
          .contains(victim.getValue().getFileName().toString())
          .contains("cannot be read");
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .as("no chunk retried")
        .doesNotContain("attempt 2 failed")
        .doesNotContain("(retrying)");
    FaultFixtures.Tables tables =
        FaultFixtures.tables(spark, output, readable).assertInvariants(Set.of());
    assertThat(summary.rowsIn()).isEqualTo(readable.size());
    assertThat(tables.rowsOut()).isEqualTo(summary.rowsOut());
    Map<ChunkState, Long> ledger =
        catalog.runs().chunks(prepared.runId()).stream()
            .collect(Collectors.groupingBy(ChunkRecord::state, Collectors.counting()));
    assertThat(ledger)
        .containsEntry(ChunkState.COMMITTED, (long) files - 2)
        .containsEntry(ChunkState.FAILED, 2L);
    long taskFailures =
        events.otherFailures().stream().filter(f -> f.contains("cannot be read")).count();

    // A rerun retries only the failed chunks, which fail again; nothing is written twice.
    InferenceJob rerunJob = job(System.out);
    RunSummary rerun = rerunJob.run(rerunJob.prepare(JobSpecParser.parse(specFile)));
    System.out.print(rerun.render());
    assertThat(rerun.runId()).isEqualTo(prepared.runId());
    assertThat(rerun.state()).isEqualTo(RunState.PARTIAL);
    assertThat(rerun.chunksSkipped()).isEqualTo(files - 2);
    assertThat(rerun.chunksRun()).isZero();
    assertThat(rerun.failedChunks()).hasSize(2);
    FaultFixtures.tables(spark, output, readable).assertInvariants(Set.of());
    FaultSummary.record(
        "3 truncated input files",
        faults
            + ": DATA, "
            + taskFailures
            + " failed Spark task attempts, 1 chunk attempt each; run PARTIAL; rerun retried only those 2 chunks",
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
  }

  // ---------------------------------------------------------------------------------------------
  // 4. malformed rows

  @Test
  @Order(4)
  void malformedRowsGoToTheDeadLetterTableWithTheirReasons() throws Exception {
    Path dir = tmp.resolve("malformed");
    long rows = 10_000;
    SyntheticTableOptions options =
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA)
            .withFiles(2)
            .withVectorColumn()
            .withBadEvery(97);
    Path raw = dir.resolve("raw");
    SyntheticTables.write(spark, options, raw.toString());
    // options.isBad: id % 97 == 7 has a NaN in f0 (vec[0]), id % 97 == 3 a null in f1 (vec[1]).
    // Planted here: id % 97 == 5 a vec of 3 elements, id % 97 == 11 no vec at all.
    Dataset<Row> planted =
        spark
            .read()
            .format("delta")
            .load(raw.toString())
            .withColumn(
                "vec",
                when(col("id").mod(97).equalTo(5), slice(col("vec"), 1, 3))
                    .when(col("id").mod(97).equalTo(11), lit(null).cast("array<float>"))
                    .otherwise(col("vec")));
    Path input = dir.resolve("in");
    planted.write().format("delta").save(input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        write(
            dir,
            "malformed.yaml",
            spec(
                "fault-malformed",
                model,
                "delta",
                input,
                "{column: vec}",
                output,
                """
        batch-size: 256
        rows-per-chunk: 5000
        max-bad-row-fraction: 0.2
        """));
    InferenceJob job = job(System.out);
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    RunSummary summary = job.run(prepared);
    System.out.print(summary.render());

    Map<Long, String> expected = new TreeMap<>();
    for (long id = 0; id < rows; id++) {
      switch ((int) (id % 97)) {
        case 3 -> expected.put(id, "null at index 1 of column 'vec'");
        case 5 -> expected.put(id, "column 'vec' has 3 elements");
        case 7 -> expected.put(id, "NaN in column 'vec'");
        case 11 -> expected.put(id, "null in column 'vec'");
        default -> {}
      }
    }
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    Set<Long> all = LongStream.range(0, rows).boxed().collect(Collectors.toSet());
    FaultFixtures.Tables tables =
        FaultFixtures.tables(spark, output, all).assertInvariants(expected.keySet());
    assertThat(summary.deadLetterRows()).isEqualTo(expected.size());
    Dataset<Row> dead =
        spark.read().format("delta").load(FaultFixtures.deadLetterPath(output).toString());
    assertThat(dead.columns()).containsExactly("id", "raw_values", "reason", "run_id", "chunk");
    Map<String, Long> byReason = new TreeMap<>();
    for (Row row : dead.collectAsList()) {
      long id = row.getLong(0);
      assertThat(row.getString(2)).as("reason of id " + id).contains(expected.get(id));
      assertThat(row.getString(3)).isEqualTo(prepared.runId());
      assertThat(row.getString(1)).startsWith("vec=");
      byReason.merge(
          row.getString(2).replaceAll("; .*", "").replaceAll("\\d+ elements", "N elements"),
          1L,
          Long::sum);
    }
    assertThat(dead.where("id % 97 = 5").select("reason").first().getString(0)).contains("needs 4");
    System.out.println("dead-letter reasons: " + byReason);
    FaultSummary.record(
        "4 malformed rows",
        expected.size()
            + " planted in vec: "
            + byReason.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")),
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
  }

  /**
   * The window between a chunk's two commits, made exact: a run completes, then its last output
   * commit is taken out of the Delta log (its data files stay, uncommitted, as a kill leaves them),
   * which is what a driver killed after the chunk's dead-letter commit leaves behind. The rerun
   * scores the chunk again; Delta skips its dead-letter write (transaction already recorded).
   */
  @Test
  @Order(5)
  void crashBetweenTheDeadLetterAndTheOutputCommitIsCountedOnce() throws Exception {
    Path dir = tmp.resolve("between");
    Path input = dir.resolve("in");
    long rows = 6_000;
    SyntheticTableOptions options =
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA).withFiles(2).withBadEvery(100);
    SyntheticTables.write(spark, options, input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        write(
            dir,
            "between.yaml",
            spec(
                "fault-between",
                model,
                "delta",
                input,
                FEATURE_COLUMNS,
                output,
                """
        batch-size: 256
        rows-per-chunk: 3000
        max-bad-row-fraction: 0.2
        """));
    InferenceJob job = job(System.out);
    RunSummary first = job.run(job.prepare(JobSpecParser.parse(specFile)));
    assertThat(first.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(first.chunksTotal()).isGreaterThan(1);
    ChunkRecord last =
        catalog.runs().chunks(first.runId()).stream()
            .max(java.util.Comparator.comparing(c -> c.deltaVersion().orElseThrow()))
            .orElseThrow();
    long lastVersion = last.deltaVersion().orElseThrow();
    String prefix = String.format("%020d", lastVersion);
    try (Stream<Path> files = Files.list(output.resolve("_delta_log"))) {
      for (Path file :
          files
              .filter(
                  f ->
                      f.getFileName().toString().startsWith(prefix)
                          || f.getFileName().toString().startsWith("." + prefix))
              .toList()) {
        Files.delete(file);
      }
    }
    org.apache.spark.sql.delta.DeltaLog.clearCache();
    long chunkDeadLetters =
        spark
            .read()
            .format("delta")
            .load(FaultFixtures.deadLetterPath(output).toString())
            .where("chunk = " + last.chunk())
            .count();
    assertThat(chunkDeadLetters).as("dead letters of chunk " + last.chunk()).isPositive();

    RunSummary rerun = job.run(job.prepare(JobSpecParser.parse(specFile)));
    System.out.print(rerun.render());

    assertThat(rerun.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(rerun.chunksSkipped()).isEqualTo(first.chunksTotal() - 1);
    assertThat(rerun.chunksRun()).isEqualTo(1);
    Set<Long> all = LongStream.range(0, rows).boxed().collect(Collectors.toSet());
    Set<Long> planted = all.stream().filter(options::isBad).collect(Collectors.toSet());
    FaultFixtures.Tables tables =
        FaultFixtures.tables(spark, output, all).assertInvariants(planted);
    assertThat(FaultFixtures.committedChunkList(FaultFixtures.deadLetterPath(output)))
        .as("one dead-letter commit per chunk")
        .doesNotHaveDuplicates();
    long ledgerDeadLetters =
        catalog.runs().chunks(first.runId()).stream()
            .mapToLong(c -> c.deadLetterRows().orElseThrow())
            .sum();
    FaultSummary.record(
        "4b crash between dead-letter and output commit",
        "output commit of chunk "
            + last.chunk()
            + " removed after its dead-letter commit, then rerun; rerun reports "
            + rerun.deadLetterRows()
            + " dead letters for it (committed: "
            + chunkDeadLetters
            + "), ledger total "
            + ledgerDeadLetters,
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
    assertThat(rerun.rowsIn() - rerun.rowsOut())
        .as("rows of the re-run chunk not in the output")
        .isEqualTo(chunkDeadLetters);
    assertThat(rerun.deadLetterRows())
        .as(
            "dead letters the rerun reports for the chunk whose dead-letter commit"
                + " Delta skipped")
        .isEqualTo(chunkDeadLetters);
    assertThat(ledgerDeadLetters).as("dead letters in the ledger").isEqualTo(tables.deadLetter());
  }

  // ---------------------------------------------------------------------------------------------
  // 5. corrupt model, model that fails when run, input type mismatch: fail fast

  @Test
  @Order(6)
  void brokenModelsFailFastBeforeAnyTask() throws Exception {
    Path dir = tmp.resolve("models");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark, SyntheticTableOptions.of(2_000, FEATURES, TableFormat.DELTA), input.toString());
    String execution = "batch-size: 256\nrows-per-chunk: 1000\n";
    // What preparing a good spec on this input costs in Spark tasks: Delta's log replay (state
    // reconstruction) runs as Spark jobs on the driver's local executor. Measured warm, twice.
    JobSpec good =
        JobSpecParser.parse(
            write(
                dir,
                "good.yaml",
                spec(
                    "fault-model-good",
                    model,
                    "delta",
                    input,
                    FEATURE_COLUMNS,
                    dir.resolve("out-good"),
                    execution)));
    job(System.out).prepare(good);
    TaskEvents baseline = TaskEvents.listen(spark);
    try {
      job(System.out).prepare(good);
    } finally {
      baseline.close();
    }
    System.out.printf(
        "a good prepare on this input starts %d Spark tasks (input metadata), stages: %s%n",
        baseline.started(), stageNames(baseline));

    // (a) a truncated ONNX file
    Path truncated = dir.resolve("truncated.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), truncated);
    byte[] bytes = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    FailFast a =
        prepareFails(
            dir,
            "fault-model-truncated",
            spec(
                "fault-model-truncated",
                truncated,
                "delta",
                input,
                FEATURE_COLUMNS,
                dir.resolve("out-a"),
                execution));
    assertThat(a.error().category()).isEqualTo(ErrorCategory.DATA);
    assertThat(a.error().getMessage()).contains(truncated.toString()).contains("cannot be loaded");

    // (b) a model that loads and matches the binding but fails when run: [N, 4] x [5, 1]
    Path mismatched = dir.resolve("matmul5.onnx");
    Files.write(mismatched, MatMulModel.bytes(5));
    FailFast b =
        prepareFails(
            dir,
            "fault-model-runtime",
            spec(
                "fault-model-runtime",
                mismatched,
                "delta",
                input,
                FEATURE_COLUMNS,
                dir.resolve("out-b"),
                execution));
    assertThat(b.error().category()).isEqualTo(ErrorCategory.DATA);
    assertThat(b.error().getMessage()).contains("preflight").contains(mismatched.toString());

    // (c) bigint column bound to a float input
    FailFast c =
        prepareFails(
            dir,
            "fault-model-type",
            spec(
                "fault-model-type",
                model,
                "delta",
                input,
                "[id, f1, f2, f3]",
                dir.resolve("out-c"),
                execution));
    assertThat(c.error().category()).isEqualTo(ErrorCategory.USER);
    assertThat(c.error().getMessage())
        .contains("model.inputs.features")
        .contains("'id'")
        .contains("bigint");

    for (FailFast f : List.of(a, b, c)) {
      System.out.printf(
          "%s: %s error in %d ms, %d Spark tasks during prepare (stages %s): %s%n",
          f.name(),
          f.error().category(),
          f.millis(),
          f.tasks(),
          f.stageNames(),
          f.error().getMessage());
      assertThat(f.stages())
          .as("no stage of the failed prepare ran LakeBatch inference code")
          .noneMatch(
              stage -> stage.contains("BatchInferenceFunction") || stage.contains("ChunkScorer"));
      assertThat(f.output()).as("nothing written").doesNotExist();
      assertThat(FaultFixtures.deadLetterPath(f.output())).doesNotExist();
      assertThat(catalog.runs().list(new RunFilter(Optional.empty(), Optional.of(f.name()), 100)))
          .as("no run registered")
          .isEmpty();
    }
    // Not zero (see the report): Delta's log replay runs Spark tasks in every prepare. The failing
    // prepares start no task beyond what a good prepare's metadata reads start.
    assertThat(b.tasks())
        .as("Spark tasks started while preparing the failing-at-run-time model")
        .isLessThanOrEqualTo(baseline.started());
    assertThat(c.tasks())
        .as("Spark tasks started while preparing the type mismatch")
        .isLessThanOrEqualTo(baseline.started());
    String metadata = " (a good prepare: " + baseline.started() + ", Delta log replay)";
    FaultSummary.record(
        "5a truncated ONNX model",
        "model file cut to 1/3: DATA at prepare in "
            + a.millis()
            + " ms, "
            + a.tasks()
            + " metadata tasks, 0 inference tasks, no run, no output",
        0,
        0,
        0,
        0,
        0);
    FaultSummary.record(
        "5b model fails at run time",
        "[N,4] x [5,1] MatMul: DATA (preflight) in "
            + b.millis()
            + " ms, "
            + b.tasks()
            + " metadata tasks"
            + metadata
            + ", 0 inference tasks, no run, no output",
        0,
        0,
        0,
        0,
        0);
    FaultSummary.record(
        "5c input type mismatch",
        "bigint id -> float input: USER at prepare in "
            + c.millis()
            + " ms, "
            + c.tasks()
            + " metadata tasks"
            + metadata
            + ", 0 inference tasks, no run, no output",
        0,
        0,
        0,
        0,
        0);
  }

  private record FailFast(
      String name,
      LakeBatchException error,
      long millis,
      int tasks,
      List<String> stages,
      Path output) {
    List<String> stageNames() {
      return stages.stream().map(st -> st.lines().findFirst().orElse(st)).toList();
    }
  }

  private static List<String> stageNames(TaskEvents events) {
    return events.stages().stream().map(st -> st.lines().findFirst().orElse(st)).toList();
  }

  private static FailFast prepareFails(Path dir, String name, String yaml) throws IOException {
    JobSpec spec = JobSpecParser.parse(write(dir, name + ".yaml", yaml));
    InferenceJob job = job(System.out);
    TaskEvents events = TaskEvents.listen(spark);
    long start = System.nanoTime();
    LakeBatchException error;
    try {
      error = catchThrowableOfType(LakeBatchException.class, () -> job.prepare(spec));
    } finally {
      events.close();
    }
    assertThat(error).as(name + ": prepare throws").isNotNull();
    return new FailFast(
        name,
        error,
        (System.nanoTime() - start) / 1_000_000,
        events.started(),
        events.stages(),
        Path.of(spec.output().path()));
  }

  // ---------------------------------------------------------------------------------------------
  // 6. speculation with slow tasks (local mode: no copy can run, see the report)

  @Test
  @Order(7)
  void slowTasksWithSpeculationOn() throws Exception {
    long seed = Long.getLong("lakebatch.faults.seed", DEFAULT_SEED);
    Path dir = tmp.resolve("speculation");
    Path input = dir.resolve("in");
    long rows = 8_000;
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA).withFiles(16),
        input.toString());
    Path output = dir.resolve("out");
    Path specFile =
        write(
            dir,
            "speculation.yaml",
            spec(
                "fault-speculation",
                model,
                "delta",
                input,
                FEATURE_COLUMNS,
                output,
                """
        batch-size: 256
        rows-per-chunk: 4000
        rows-per-task: 500
        speculation: true
        """));
    JobSpec spec = JobSpecParser.parse(specFile);
    assertThat(spec.execution().speculation()).isTrue();
    // spark.speculation is read when the SparkContext starts: a session of its own, built as
    // `lakebatch run` does.
    spark.stop();
    spark =
        SparkSessionFactory.create(
            "faults-speculation",
            spec.resources(),
            spec.execution().retries().task(),
            spec.execution().speculation());
    assertThat(spark.sparkContext().conf().get("spark.speculation")).isEqualTo("true");
    long slowMillis = 1_000;
    spark.conf().set(FaultInjection.PREFIX + "slow-task-rate", "0.3");
    spark.conf().set(FaultInjection.PREFIX + "slow-task-millis", Long.toString(slowMillis));
    spark.conf().set(FaultInjection.PREFIX + "seed", Long.toString(seed));
    InferenceJob job = job(System.out);
    TaskEvents events = TaskEvents.listen(spark);
    RunSummary summary;
    try {
      summary = job.run(job.prepare(spec));
    } finally {
      events.close();
      for (String key : List.of("slow-task-rate", "slow-task-millis", "seed")) {
        spark.conf().unset(FaultInjection.PREFIX + key);
      }
    }
    System.out.print(summary.render());
    long slow =
        events.succeeded().stream()
            .filter(a -> a.attempt() == 0 && a.millis() >= slowMillis)
            .count();
    System.out.printf(
        "slow tasks (>= %d ms): %d; speculative copies launched: %d (local mode: none can run)%n",
        slowMillis, slow, events.speculativeStarted());
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(slow).as("slow tasks injected").isPositive();
    assertThat(events.speculativeStarted())
        .as("Spark never places a copy on the original's host")
        .isZero();
    Set<Long> all = LongStream.range(0, rows).boxed().collect(Collectors.toSet());
    FaultFixtures.Tables tables =
        FaultFixtures.tables(spark, output, all).assertInvariants(Set.of());
    FaultSummary.record(
        "6 slow tasks, speculation on",
        slow
            + " tasks slowed by "
            + slowMillis
            + " ms, spark.speculation=true; "
            + events.speculativeStarted()
            + " speculative copies (local mode: one host; needs the standalone cluster)",
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
  }

  // ---------------------------------------------------------------------------------------------

  private static InferenceJob job(PrintStream out) {
    return new InferenceJob(spark, catalog, home.resolve("runs"), new ConsoleRunListener(out));
  }

  /** Prints to standard output and keeps a copy. */
  private static PrintStream tee(ByteArrayOutputStream copy) {
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            System.out.write(b);
            copy.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            System.out.write(b, off, len);
            copy.write(b, off, len);
          }
        };
    return new PrintStream(both, true, StandardCharsets.UTF_8);
  }
}
