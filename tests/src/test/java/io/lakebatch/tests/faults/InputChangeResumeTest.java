package io.lakebatch.tests.faults;

import static io.lakebatch.tests.faults.FaultFixtures.FEATURES;
import static io.lakebatch.tests.faults.FaultFixtures.FEATURE_COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.RunFilter;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.planner.ParquetFooterReader;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.tests.CliDriver;
import io.lakebatch.tests.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input changes between two attempts of a run (issue 10, item 1): {@code lakebatch run} is
 * SIGKILLed after {@value #KILL_AFTER_COMMITS} committed chunks, the input is changed, and the same
 * spec is run again, as a user would, in a child process. A rerun resumes the killed attempt's run
 * with the plan stored at its first attempt (the input version and files it pinned), so output ∪
 * dead-letter holds every pinned id exactly once and nothing else; or it refuses, with exit 3, a
 * message naming the file and {@code --new-run}, and writes nothing. {@code --new-run} starts over
 * at the latest version. Each case records a line of {@link FaultSummary}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InputChangeResumeTest {
  private static final long ROWS = 60_000;
  private static final int FILES = 6;
  private static final long ROWS_PER_CHUNK = 10_000;
  private static final int KILL_AFTER_COMMITS = 2;

  /**
   * First task attempts sleep this long, so the kill after two commits lands well before the last
   * chunk.
   */
  private static final long SLOW_TASK_MILLIS = 250;

  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(2);
  private static final String EXECUTION =
      """
      batch-size: 256
      rows-per-chunk: %d
      """
          .formatted(ROWS_PER_CHUNK);

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path home;
  private static Catalog catalog;
  private static Path model;

  /**
   * The Delta and the Parquet input of {@value #ROWS} rows in {@value #FILES} files, written once:
   * each case changes a copy of its own.
   */
  private static Path deltaInput;

  private static Path parquetInput;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
    // Not under the @TempDir: the embedded database stays open until the JVM exits.
    home =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "lakebatch-input-change-home-" + UUID.randomUUID());
    // Opened here first, so this JVM serves the embedded database to the drivers it starts and
    // kills.
    catalog = Catalog.open(CatalogConfig.embedded(home));
    model = tmp.resolve("mlp4.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    deltaInput = tmp.resolve("input-delta");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(FILES),
        deltaInput.toString());
    parquetInput = tmp.resolve("input-parquet");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.PARQUET).withFiles(FILES),
        parquetInput.toString());
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
  // (a)-(c): a Delta input without input.version gets a new version between the attempts

  @Test
  @Order(1)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void rowAppendedToDeltaInputBetweenAttemptsIsNotScored() throws Exception {
    deltaInputChangedBetweenAttempts(
        "a",
        "one row appended to the Delta input (no input.version)",
        input -> appendRows(input, ROWS, 1));
  }

  @Test
  @Order(2)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void optimizeOfDeltaInputBetweenAttemptsResumesThePinnedVersion() throws Exception {
    deltaInputChangedBetweenAttempts(
        "b",
        "OPTIMIZE of the Delta input (no input.version)",
        input -> {
          long files = dataFiles(input).size();
          spark.sql("OPTIMIZE delta.`" + input + "`").collectAsList();
          assertThat(LocalSpark.count(spark, input.toString()))
              .as("rows after OPTIMIZE")
              .isEqualTo(ROWS);
          assertThat(spark.read().format("delta").load(input.toString()).inputFiles())
              .as("files of the latest version after OPTIMIZE (%d before)", files)
              .hasSizeLessThan((int) files);
        });
  }

  @Test
  @Order(3)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void tablePropertySetOnDeltaInputBetweenAttemptsResumesThePinnedVersion() throws Exception {
    deltaInputChangedBetweenAttempts(
        "c",
        "table property set on the Delta input (no input.version)",
        input ->
            spark.sql(
                "ALTER TABLE delta.`"
                    + input
                    + "` SET TBLPROPERTIES ('lakebatch.test.owner' = 'team-b')"));
  }

  /** An action on the input table between the two attempts. */
  private interface InputChange {
    void apply(Path input) throws Exception;
  }

  private void deltaInputChangedBetweenAttempts(String caseId, String change, InputChange action)
      throws Exception {
    Path dir = tmp.resolve(caseId);
    Path input = dir.resolve("in");
    copyTable(deltaInput, input);
    long pinnedVersion = CliDriver.latestVersion(input);
    Set<Long> pinnedIds = deltaIds(input, pinnedVersion);
    Path output = dir.resolve("out");
    String name = "input-change-" + caseId;
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            FaultFixtures.spec(name, model, "delta", input, FEATURE_COLUMNS, output, EXECUTION));

    Killed killed = killAfterCommits(name, dir, specFile, output);
    assertThat(killed.run().inputVersion())
        .as("version the killed attempt pinned")
        .isEqualTo(pinnedVersion);
    action.apply(input);
    assertThat(CliDriver.latestVersion(input))
        .as("the change made a new input version")
        .isGreaterThan(pinnedVersion);

    CliDriver.Finished rerun =
        cli().run(dir.resolve("attempt-2.log"), DRIVER_TIMEOUT, "run", specFile.toString());
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, pinnedIds);
    record(caseId, change, killed, rerun, tables);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(rerun.exitCode())
        .as("exit code of the rerun; its output:\n%s", rerun.output())
        .isZero();
    assertResumedToSuccess(soft, name, killed, rerun);
    assertEveryPinnedIdOnce(soft, tables);
    soft.assertAll();
  }

  // ---------------------------------------------------------------------------------------------
  // (d), (e): a Parquet input gains or loses a file between the attempts

  @Test
  @Order(4)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void parquetFileAddedBetweenAttemptsIsLeftOutWithAWarning() throws Exception {
    Path dir = tmp.resolve("d");
    Path input = dir.resolve("in");
    copyTable(parquetInput, input);
    Set<Long> pinnedIds = parquetIds(input);
    Path output = dir.resolve("out");
    String name = "input-change-d";
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            FaultFixtures.spec(name, model, "parquet", input, FEATURE_COLUMNS, output, EXECUTION));

    Killed killed = killAfterCommits(name, dir, specFile, output);
    long added = 1_000;
    Path addedFile = addParquetFile(input, "added-first.snappy.parquet", ROWS, added);
    assertThat(dataFiles(input).get(0))
        .as("the added file sorts before every pinned one")
        .isEqualTo(addedFile);
    assertThat(parquetIds(input)).as("ids the input holds now").hasSize((int) (ROWS + added));

    CliDriver.Finished rerun =
        cli().run(dir.resolve("attempt-2.log"), DRIVER_TIMEOUT, "run", specFile.toString());
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, pinnedIds);
    record(
        "d",
        "Parquet file " + addedFile.getFileName() + " (" + added + " new ids) added, sorting first",
        killed,
        rerun,
        tables);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(rerun.exitCode())
        .as("exit code of the rerun; its output:\n%s", rerun.output())
        .isZero();
    // A warning line of its own: the preflight line of today's code names the file too (it samples
    // the first split).
    soft.assertThat(
            rerun
                .output()
                .lines()
                .filter(
                    line ->
                        line.contains(addedFile.getFileName().toString())
                            && line.toLowerCase(Locale.ROOT).contains("warn"))
                .toList())
        .as(
            "lines of the rerun that warn about the file it leaves out; its output:\n%s",
            rerun.output())
        .isNotEmpty();
    assertResumedToSuccess(soft, name, killed, rerun);
    assertEveryPinnedIdOnce(soft, tables);
    soft.assertAll();
  }

  @Test
  @Order(5)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void parquetFileRemovedBetweenAttemptsIsRefused() throws Exception {
    Path dir = tmp.resolve("e");
    Path input = dir.resolve("in");
    copyTable(parquetInput, input);
    Set<Long> pinnedIds = parquetIds(input);
    Path output = dir.resolve("out");
    String name = "input-change-e";
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            FaultFixtures.spec(name, model, "parquet", input, FEATURE_COLUMNS, output, EXECUTION));

    Killed killed = killAfterCommits(name, dir, specFile, output);
    // The last file in path order: its rows belong to a chunk the killed attempt had not committed.
    List<Path> files = dataFiles(input);
    Path removed = files.get(files.size() - 1);
    long removedRows = spark.read().parquet(removed.toString()).count();
    Files.delete(removed);
    Files.deleteIfExists(removed.resolveSibling("." + removed.getFileName() + ".crc"));
    List<Long> outputIdsBefore = FaultFixtures.ids(spark, output);
    List<Long> deadLetterIdsBefore = FaultFixtures.ids(spark, FaultFixtures.deadLetterPath(output));

    CliDriver.Finished rerun =
        cli().run(dir.resolve("attempt-2.log"), DRIVER_TIMEOUT, "run", specFile.toString());
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, pinnedIds);
    record(
        "e",
        "Parquet file " + removed.getFileName() + " (" + removedRows + " ids) removed",
        killed,
        rerun,
        tables);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(rerun.exitCode())
        .as("exit code of the rerun (3: data error); its output:\n%s", rerun.output())
        .isEqualTo(3);
    soft.assertThat(rerun.output())
        .as("the refusal names the removed file and the way out")
        .contains(removed.getFileName().toString())
        .contains("--new-run");
    soft.assertThat(CliDriver.latestVersion(output))
        .as("output table version after the refused rerun")
        .isEqualTo(killed.outputVersion());
    soft.assertThat(FaultFixtures.ids(spark, output))
        .as("output ids after the refused rerun (%d before)", outputIdsBefore.size())
        .hasSameSizeAs(outputIdsBefore)
        .containsExactlyInAnyOrderElementsOf(outputIdsBefore);
    soft.assertThat(FaultFixtures.ids(spark, FaultFixtures.deadLetterPath(output)))
        .as("dead-letter ids after it")
        .containsExactlyInAnyOrderElementsOf(deadLetterIdsBefore);
    soft.assertThat(runsNamed(name))
        .as("runs of the spec")
        .extracting(RunRecord::runId)
        .containsExactly(killed.run().runId());
    soft.assertAll();
  }

  // ---------------------------------------------------------------------------------------------
  // (f): a pinned Delta input whose footer read fails once, in the second attempt only

  @Test
  @Order(6)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void footerReadFailingOnceInTheSecondAttemptKeepsTheChunks() throws Exception {
    Path dir = tmp.resolve("f");
    Path input = dir.resolve("in");
    // Files of about 1.5 chunks with several row groups each: the first file's chunk boundary falls
    // between its row groups, so planning that file as one split would move every later boundary.
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA)
            .withFiles(4)
            .withRowGroupBytes(64 << 10),
        input.toString());
    ParquetFooterReader footers =
        new ParquetFooterReader(spark.sparkContext().hadoopConfiguration());
    for (Path file : dataFiles(input)) {
      assertThat(footers.rowGroups(file.toString()))
          .as("row groups of " + file.getFileName())
          .hasSizeGreaterThan(1);
    }
    long pinnedVersion = CliDriver.latestVersion(input);
    Set<Long> pinnedIds = deltaIds(input, pinnedVersion);
    Path output = dir.resolve("out");
    String name = "input-change-f";
    String spec =
        FaultFixtures.spec(name, model, "delta", input, FEATURE_COLUMNS, output, EXECUTION);
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            insertLine(spec, "  format: delta\n", "  version: " + pinnedVersion + "\n"));

    Killed killed = killAfterCommits(name, dir, specFile, output);
    // The second attempt's first footer read by the planner fails with an IOException from the file
    // system.
    CliDriver.Finished rerun =
        cli()
            .property("spark.hadoop.fs.file.impl", FooterFailingFileSystem.class.getName())
            .property("spark.hadoop.fs.file.impl.disable.cache", "true")
            .property(FooterFailingFileSystem.FAILURES_PROPERTY, "1")
            .run(dir.resolve("attempt-2.log"), DRIVER_TIMEOUT, "run", specFile.toString());
    long injected =
        rerun.output().lines().filter(l -> l.contains(FooterFailingFileSystem.INJECTED)).count();
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, pinnedIds);
    record(
        "f",
        "input.version "
            + pinnedVersion
            + " pinned; second attempt: "
            + injected
            + " planner footer read(s) failed (IOException from the file system)",
        killed,
        rerun,
        tables);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(injected)
        .as("footer read failures injected (at most one: \"fails once\")")
        .isLessThanOrEqualTo(1);
    soft.assertThat(rerun.exitCode())
        .as("exit code of the rerun; its output:\n%s", rerun.output())
        .isZero();
    assertResumedToSuccess(soft, name, killed, rerun);
    assertEveryPinnedIdOnce(soft, tables);
    soft.assertAll();
  }

  // ---------------------------------------------------------------------------------------------
  // --new-run: start over at the latest version

  @Test
  @Order(7)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void newRunAfterAnAppendScoresTheLatestVersionInOverwriteMode() throws Exception {
    Path dir = tmp.resolve("new-run");
    Path input = dir.resolve("in");
    copyTable(deltaInput, input);
    Path output = dir.resolve("out");
    String name = "input-change-new-run";
    String spec =
        FaultFixtures.spec(name, model, "delta", input, FEATURE_COLUMNS, output, EXECUTION);
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            insertLine(spec, "  path: " + output + "\n", "  mode: overwrite\n"));

    // An overwrite run makes no Delta commit before its last chunk: kill it once chunks are staged.
    Path log = dir.resolve("attempt-1.log");
    Process driver = cli().slowTasks(SLOW_TASK_MILLIS).start(log, "run", specFile.toString());
    CliDriver.waitForOutput(log, "chunk " + KILL_AFTER_COMMITS + "/", driver, DRIVER_TIMEOUT);
    assertThat(CliDriver.kill(driver)).as("killed, not finished").isEqualTo(137);
    assertThat(CliDriver.commitFiles(output)).as("nothing published before the kill").isEmpty();
    appendRows(input, ROWS, 1);
    long latest = CliDriver.latestVersion(input);
    Set<Long> latestIds = deltaIds(input, latest);
    assertThat(latestIds).hasSize((int) ROWS + 1);

    CliDriver.Finished rerun =
        cli()
            .run(
                dir.resolve("attempt-2.log"),
                DRIVER_TIMEOUT,
                "run",
                "--new-run",
                specFile.toString());
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, latestIds);
    FaultSummary.record(
        "10g input changed, rerun with --new-run",
        "one row appended after a SIGKILL with "
            + KILL_AFTER_COMMITS
            + "+ chunks staged, none published (mode overwrite); "
            + "`lakebatch run --new-run` exit "
            + rerun.exitCode()
            + "; ids of the latest version: "
            + latestIds.size()
            + ", ids not in it: "
            + tables.strangers(),
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
    System.out.println("new-run: " + tables + "\n" + rerun.output());

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(rerun.exitCode())
        .as("exit code of `run --new-run`; its output:\n%s", rerun.output())
        .isZero();
    soft.assertThat(rerun.output()).as("summary").contains(" SUCCEEDED");
    assertEveryPinnedIdOnce(soft, tables);
    soft.assertAll();
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The first attempt, SIGKILLed after some chunks committed: its run (as the catalog holds it) and
   * the output then.
   */
  private record Killed(
      RunRecord run, int committedChunks, long outputVersion, Duration untilKill) {}

  private static Killed killAfterCommits(String name, Path dir, Path specFile, Path output)
      throws Exception {
    Path log = dir.resolve("attempt-1.log");
    long started = System.nanoTime();
    Process driver = cli().slowTasks(SLOW_TASK_MILLIS).start(log, "run", specFile.toString());
    CliDriver.waitForCommits(output, KILL_AFTER_COMMITS, driver, DRIVER_TIMEOUT, log);
    assertThat(CliDriver.kill(driver)).as("killed, not finished").isEqualTo(137);
    List<RunRecord> runs = runsNamed(name);
    assertThat(runs).as("runs of " + name + " after the kill").hasSize(1);
    RunRecord run = runs.get(0);
    int committed = FaultFixtures.committedChunks(output).size();
    assertThat(committed)
        .as("chunks committed before the kill")
        .isGreaterThanOrEqualTo(KILL_AFTER_COMMITS)
        .isLessThan(run.chunksTotal());
    return new Killed(
        run,
        committed,
        CliDriver.latestVersion(output),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * The rerun resumed the killed attempt's run: the same run id (the only run of the spec), the
   * committed chunks skipped, and the run SUCCEEDED after two attempts.
   */
  private static void assertResumedToSuccess(
      SoftAssertions soft, String name, Killed killed, CliDriver.Finished rerun) {
    String runId = killed.run().runId();
    soft.assertThat(runsNamed(name))
        .as("runs of the spec: the killed attempt's run, resumed")
        .extracting(RunRecord::runId)
        .containsExactly(runId);
    catalog
        .runs()
        .find(runId)
        .ifPresent(
            run -> {
              soft.assertThat(run.state())
                  .as("state of run " + runId)
                  .isEqualTo(RunState.SUCCEEDED);
              soft.assertThat(run.attempts()).as("attempts of run " + runId).isEqualTo(2);
            });
    soft.assertThat(rerun.output())
        .as("rerun output")
        .contains("resuming run " + runId + ": " + killed.committedChunks() + " of ")
        .contains("run " + runId + " SUCCEEDED");
  }

  /** Output ∪ dead-letter holds every id of {@code tables}' input exactly once, and no other id. */
  private static void assertEveryPinnedIdOnce(SoftAssertions soft, FaultFixtures.Tables tables) {
    soft.assertThat(tables.strangers())
        .as("ids written that the pinned input does not hold")
        .isZero();
    soft.assertThat(tables.duplicates()).as("ids written twice").isZero();
    soft.assertThat(tables.lost()).as("pinned ids in neither table").isZero();
    soft.assertThat(tables.rowsOut() + tables.deadLetter())
        .as("rows out + dead-letter rows")
        .isEqualTo(tables.rowsIn());
  }

  private static void record(
      String caseId,
      String change,
      Killed killed,
      CliDriver.Finished rerun,
      FaultFixtures.Tables tables) {
    FaultSummary.record(
        "10" + caseId + " input changed between attempts",
        "SIGKILL after "
            + killed.committedChunks()
            + "/"
            + killed.run().chunksTotal()
            + " chunks committed, then "
            + change
            + "; rerun exit "
            + rerun.exitCode()
            + ", ids not pinned in the output: "
            + tables.strangers(),
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
    printCase(caseId, killed, tables, rerun);
  }

  private static void printCase(
      String caseId, Killed killed, FaultFixtures.Tables tables, CliDriver.Finished rerun) {
    System.out.printf(
        "(%s) expected ids %,d; output rows %,d, dead-letter %,d, duplicated %,d, lost %,d, not expected"
            + " %,d; rerun exit %d (first attempt killed after %.1f s, rerun %.1f s)%n",
        caseId,
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost(),
        tables.strangers(),
        rerun.exitCode(),
        killed.untilKill().toMillis() / 1000.0,
        rerun.elapsed().toMillis() / 1000.0);
  }

  private static CliDriver cli() {
    return CliDriver.withHome(home).fastStart();
  }

  private static List<RunRecord> runsNamed(String name) {
    return catalog.runs().list(new RunFilter(Optional.empty(), Optional.of(name), 100)).stream()
        .filter(r -> r.name().equals(name))
        .toList();
  }

  /**
   * Appends rows {@code [from, from + count)} with the synthetic tables' columns to the Delta table
   * at {@code input}.
   */
  private static void appendRows(Path input, long from, long count) {
    rows(from, count).write().format("delta").mode(SaveMode.Append).save(input.toString());
  }

  /**
   * Writes rows {@code [from, from + count)} as one Parquet file named {@code fileName} into {@code
   * input}.
   */
  private static Path addParquetFile(Path input, String fileName, long from, long count)
      throws IOException {
    Path staging = input.resolveSibling("staging-" + fileName);
    rows(from, count).coalesce(1).write().parquet(staging.toString());
    List<Path> written = dataFiles(staging);
    assertThat(written).hasSize(1);
    return Files.move(written.get(0), input.resolve(fileName));
  }

  private static org.apache.spark.sql.Dataset<Row> rows(long from, long count) {
    return spark
        .range(from, from + count, 1, 1)
        .selectExpr(
            Stream.concat(
                    Stream.of("id"),
                    LongStream.range(0, FEATURES)
                        .mapToObj(i -> "cast(rand(" + (from + i) + ") * 2 - 1 as float) as f" + i))
                .toArray(String[]::new));
  }

  /** A copy of the table (data files, Delta log, checksums) at {@code from} at {@code to}. */
  private static void copyTable(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  /** The Parquet data files directly under {@code folder}, in path order. */
  private static List<Path> dataFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  private static Set<Long> deltaIds(Path table, long version) {
    return idSet(
        spark.read().format("delta").option("versionAsOf", version).load(table.toString()));
  }

  private static Set<Long> parquetIds(Path folder) {
    return idSet(spark.read().parquet(folder.toString()));
  }

  private static Set<Long> idSet(org.apache.spark.sql.Dataset<Row> table) {
    List<Long> ids = table.select("id").collectAsList().stream().map(r -> r.getLong(0)).toList();
    Set<Long> distinct = ids.stream().collect(Collectors.toSet());
    assertThat(distinct).as("input ids are distinct").hasSameSizeAs(ids);
    return distinct;
  }

  /** {@code yaml} with {@code line} inserted after its only line {@code after}. */
  private static String insertLine(String yaml, String after, String line) {
    int at = yaml.indexOf(after);
    assertThat(at).as("spec line '%s'", after.strip()).isNotNegative();
    assertThat(yaml.indexOf(after, at + 1)).as("spec line '%s' once", after.strip()).isNegative();
    return yaml.substring(0, at + after.length()) + line + yaml.substring(at + after.length());
  }
}
