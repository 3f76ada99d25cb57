package io.lakebatch.tests.faults;

import static io.lakebatch.tests.faults.FaultFixtures.FEATURES;
import static io.lakebatch.tests.faults.FaultFixtures.FEATURE_COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.ChunkRecord;
import io.lakebatch.catalog.store.ChunkState;
import io.lakebatch.catalog.store.RunFilter;
import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.tests.CliDriver;
import io.lakebatch.tests.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fenced drivers: two {@code lakebatch run} processes held at the same point of taking one run (the
 * take-barrier test hook, not sleeps), and a zombie driver SIGSTOPped past the liveness timeout
 * while another driver takes its run over, then SIGCONTed. In both, exactly one driver writes, no
 * id is lost or written twice, the run's history is one chain of owners with rising epochs, and the
 * driver that lost says so with its own message and exit code. Each case records a line of {@link
 * FaultSummary}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriverFencingTest {
  private static final long ROWS = 60_000;
  private static final int FILES = 6;
  private static final long ROWS_PER_CHUNK = 10_000;
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(3);
  private static final String EXECUTION =
      """
      batch-size: 256
      rows-per-chunk: %d
      """
          .formatted(ROWS_PER_CHUNK);

  /**
   * {@code AT FROM -> TO[ by OWNER][ epoch N][: detail]}, as {@code RunStore.history} writes it.
   */
  private static final Pattern HISTORY_LINE =
      Pattern.compile(
          "^(\\S+) (\\S+) -> (\\S+)(?: by (\\S+))?(?: epoch (\\d+))?(?:: (.*))?$", Pattern.DOTALL);

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path home;
  private static Catalog catalog;
  private static Path model;

  /** Drivers a case started; whatever is still alive at its end is resumed and killed. */
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
    // Not under the @TempDir: the embedded database stays open until the JVM exits.
    home =
        Path.of(
            System.getProperty("java.io.tmpdir"), "lakebatch-fencing-home-" + UUID.randomUUID());
    // Opened here first, so this JVM serves the embedded database: a SIGSTOPped driver cannot hold
    // it up.
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

  @AfterEach
  void killLeftovers() throws Exception {
    for (Process process : started) {
      if (process.isAlive()) {
        CliDriver.signal(process, "CONT");
        CliDriver.kill(process);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void twoDriversHeldAtTheTakeOneWinsAndTheOtherIsTurnedAway() throws Exception {
    long began = System.nanoTime();
    Path dir = tmp.resolve("take");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(FILES),
        input.toString());
    Set<Long> inputIds = new HashSet<>(FaultFixtures.ids(spark, input));
    Path output = dir.resolve("out");
    String name = "fencing-take";
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            FaultFixtures.spec(name, model, "delta", input, FEATURE_COLUMNS, output, EXECUTION));

    // A first driver is SIGKILLed after a commit: the run is RUNNING and its owner is dead.
    Path log0 = dir.resolve("driver-0.log");
    Process first = start(cli().slowTasks(250), log0, specFile);
    CliDriver.waitForCommits(output, 1, first, DRIVER_TIMEOUT, log0);
    assertThat(CliDriver.kill(first)).as("killed, not finished").isEqualTo(137);
    int committedByFirst = FaultFixtures.committedChunks(output).size();
    RunRecord killed = onlyRun(name);
    String runId = killed.runId();
    assertThat(killed.state()).as("state after the SIGKILL").isEqualTo(RunState.RUNNING);
    assertThat(killed.owner())
        .as("owner after the SIGKILL")
        .hasValueSatisfying(o -> assertThat(o).startsWith(first.pid() + "@"));
    assertThat(committedByFirst)
        .as("chunks committed before the SIGKILL")
        .isPositive()
        .isLessThan(killed.chunksTotal());

    // Two drivers on the same spec, both held right before their swap, then let go together.
    Path barrier = dir.resolve("barrier");
    Path log1 = dir.resolve("driver-1.log");
    Path log2 = dir.resolve("driver-2.log");
    long raceStart = System.nanoTime();
    Process one = start(cli().takeBarrier(barrier), log1, specFile);
    Process two = start(cli().takeBarrier(barrier), log2, specFile);
    awaitReady(barrier, List.of(one, two), List.of(log1, log2));
    RunRecord atBarrier = catalog.runs().get(runId);
    assertThat(atBarrier.epoch())
        .as("epoch while both are held (nobody swapped yet)")
        .isEqualTo(killed.epoch());
    Files.createFile(barrier.resolve("go"));
    CliDriver.Finished end1 = finish(one, log1, raceStart);
    CliDriver.Finished end2 = finish(two, log2, raceStart);

    boolean oneWon = end1.exitCode() == 0;
    Process winner = oneWon ? one : two;
    Process loser = oneWon ? two : one;
    CliDriver.Finished won = oneWon ? end1 : end2;
    CliDriver.Finished lost = oneWon ? end2 : end1;
    RunRecord after = catalog.runs().get(runId);
    List<Transition> history = history(runId);
    List<Transition> takes = history.stream().filter(t -> t.to().equals("PLANNING")).toList();
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, inputIds);
    List<Integer> chunkCommits = FaultFixtures.committedChunkList(output);
    List<ChunkRecord> ledger = catalog.runs().chunks(runId);

    String outcome =
        "SIGKILL after "
            + committedByFirst
            + "/"
            + killed.chunksTotal()
            + " chunks, then two `lakebatch"
            + " run` held at the take barrier and released together: exit codes "
            + end1.exitCode()
            + " and "
            + end2.exitCode()
            + "; takes (epochs) "
            + takes.stream().map(t -> Long.toString(t.epoch())).toList();
    FaultSummary.record(
        "driver fencing: two drivers at the take",
        outcome,
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
    System.out.printf(
        "(take) winner %d exit %d in %.1f s; loser %d exit %d: %s%n",
        winner.pid(),
        won.exitCode(),
        won.elapsed().toMillis() / 1000.0,
        loser.pid(),
        lost.exitCode(),
        errorLine(lost.output()));
    System.out.printf(
        "(take) %s; rows in %,d, out %,d, dead-letter %,d, duplicated %,d, lost %,d; history:%n  %s%n"
            + "  case took %.1f s%n",
        outcome,
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost(),
        String.join("\n  ", catalog.runs().history(runId)),
        seconds(began));

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(List.of(end1.exitCode(), end2.exitCode()))
        .as("exit codes of the two drivers; outputs:\n%s\n---\n%s", end1.output(), end2.output())
        .containsOnlyOnce(0)
        .hasSize(2);
    soft.assertThat(won.output())
        .as("the winner's output")
        .contains("run " + runId + " SUCCEEDED")
        .contains(
            "resuming run " + runId + ": " + committedByFirst + " of " + killed.chunksTotal());
    if (lost.exitCode() == 2) {
      soft.assertThat(lost.output())
          .as("the loser's output: busy, naming the winner")
          .containsPattern(
              "error: run "
                  + Pattern.quote(runId)
                  + " is (PLANNING|RUNNING) in "
                  + winner.pid()
                  + "@");
    } else {
      soft.assertThat(lost.exitCode())
          .as("the loser's exit code (2 busy, or 7 fenced); its output:\n%s", lost.output())
          .isEqualTo(7);
      soft.assertThat(lost.output())
          .as("the loser's output: fenced")
          .contains("error: run " + runId + " was taken over by " + winner.pid() + "@")
          .contains("this driver stops and writes nothing more");
    }
    soft.assertThat(after.state()).as("state of the run").isEqualTo(RunState.SUCCEEDED);
    soft.assertThat(after.owner())
        .as("owner of the run")
        .hasValueSatisfying(o -> assertThat(o).startsWith(winner.pid() + "@"));
    soft.assertThat(after.attempts())
        .as("attempts: the killed driver's and the winner's")
        .isEqualTo(2);
    assertOneChain(soft, history, List.of(first.pid(), winner.pid()));
    soft.assertThat(history)
        .as("history: nothing by the loser %d", loser.pid())
        .noneMatch(t -> t.owner().startsWith(loser.pid() + "@"));
    soft.assertThat(after.epoch())
        .as("epoch of the run = the winner's take")
        .isEqualTo(takes.isEmpty() ? -1 : takes.get(takes.size() - 1).epoch());
    assertIdsOnce(soft, tables, chunkCommits, ledger, killed.chunksTotal());
    soft.assertAll();
  }

  @Test
  @Order(2)
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void zombieDriverStoppedPastTheLivenessTimeoutIsFencedWhenItWakes() throws Exception {
    long began = System.nanoTime();
    Path dir = tmp.resolve("zombie");
    Path input = dir.resolve("in");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(FILES),
        input.toString());
    Set<Long> inputIds = new HashSet<>(FaultFixtures.ids(spark, input));
    Path output = dir.resolve("out");
    Path deadLetter = FaultFixtures.deadLetterPath(output);
    String name = "fencing-zombie";
    Path specFile =
        FaultFixtures.write(
            dir,
            name + ".yaml",
            FaultFixtures.spec(name, model, "delta", input, FEATURE_COLUMNS, output, EXECUTION));

    // Driver A: first task attempts sleep 1.5 s, so once a chunk committed A is in the middle of
    // the next one.
    Path logA = dir.resolve("driver-a.log");
    Process a = start(cli().slowTasks(1_500), logA, specFile);
    CliDriver.waitForCommits(output, 1, a, DRIVER_TIMEOUT, logA);
    CliDriver.signal(a, "STOP");
    awaitStopped(a);
    long stoppedAt = System.nanoTime();
    // A is stopped: everything in the tables now is A's, and A writes nothing until it is
    // continued.
    List<Integer> chunksByA = FaultFixtures.committedChunkList(output);
    RunRecord held = onlyRun(name);
    String runId = held.runId();
    String ownerA = held.owner().orElseThrow();
    assertThat(ownerA).as("owner while A is stopped").startsWith(a.pid() + "@");
    assertThat(held.state()).as("state while A is stopped").isEqualTo(RunState.RUNNING);
    assertThat(chunksByA)
        .as("chunks A committed before it was stopped")
        .isNotEmpty()
        .hasSizeLessThan(held.chunksTotal());

    // The catalog (served by this JVM, so its clock is the database's) sees A's heartbeat go stale.
    Duration livenessTimeout = Duration.ofSeconds(4);
    Instant heartbeat = awaitStaleHeartbeat(runId, livenessTimeout.plusMillis(500));
    double staleAfter = seconds(stoppedAt);

    // Driver B takes the run over; started again (bounded) if it still found A alive.
    List<CliDriver.Finished> busyAttempts = new ArrayList<>();
    CliDriver.Finished endB = null;
    Process b = null;
    long deadline = System.nanoTime() + DRIVER_TIMEOUT.toNanos();
    while (endB == null
        || (endB.exitCode() == 2
            && endB.output().contains(" is RUNNING in ")
            && System.nanoTime() < deadline)) {
      if (endB != null) {
        busyAttempts.add(endB);
      }
      Path logB = dir.resolve("driver-b-" + (busyAttempts.size() + 1) + ".log");
      long startB = System.nanoTime();
      b = start(cli().livenessTimeout("4s"), logB, specFile);
      endB = finish(b, logB, startB);
    }
    long bPid = b.pid();
    RunRecord afterB = catalog.runs().get(runId);
    List<ChunkRecord> ledgerAfterB = catalog.runs().chunks(runId);
    List<String> historyAfterB = catalog.runs().history(runId);
    long outputVersionAfterB = CliDriver.latestVersion(output);
    long deadLetterVersionAfterB = CliDriver.latestVersion(deadLetter);

    // A wakes up: it must find it was taken over, write nothing and exit 7 with its own message.
    CliDriver.signal(a, "CONT");
    long continued = System.nanoTime();
    CliDriver.Finished endA = finish(a, logA, continued);
    RunRecord afterA = catalog.runs().get(runId);
    List<Transition> history = history(runId);
    FaultFixtures.Tables tables = FaultFixtures.count(spark, output, inputIds);
    List<Integer> chunkCommits = FaultFixtures.committedChunkList(output);
    List<ChunkRecord> ledger = catalog.runs().chunks(runId);

    String outcome =
        "A SIGSTOPped after "
            + chunksByA.size()
            + "/"
            + held.chunksTotal()
            + " chunks (epoch "
            + held.epoch()
            + "), heartbeat stale after "
            + String.format("%.1f", staleAfter)
            + " s; B (liveness-timeout 4s,"
            + " "
            + busyAttempts.size()
            + " busy start(s)) exit "
            + endB.exitCode()
            + " (epoch "
            + afterB.epoch()
            + "); A SIGCONTed: exit "
            + endA.exitCode()
            + ", output versions "
            + outputVersionAfterB
            + " -> "
            + CliDriver.latestVersion(output);
    FaultSummary.record(
        "driver fencing: zombie driver",
        outcome,
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost());
    System.out.printf(
        "(zombie) A %d exit %d: %s%n", a.pid(), endA.exitCode(), errorLine(endA.output()));
    System.out.printf(
        "(zombie) %s; rows in %,d, out %,d, dead-letter %,d, duplicated %,d, lost %,d; A's last"
            + " heartbeat %s; B took %.1f s, A exited %.1f s after SIGCONT; history:%n  %s%n  case took %.1f s%n",
        outcome,
        tables.rowsIn(),
        tables.rowsOut(),
        tables.deadLetter(),
        tables.duplicates(),
        tables.lost(),
        heartbeat,
        endB.elapsed().toMillis() / 1000.0,
        endA.elapsed().toMillis() / 1000.0,
        String.join("\n  ", catalog.runs().history(runId)),
        seconds(began));

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(endB.exitCode()).as("B's exit code; its output:\n%s", endB.output()).isZero();
    soft.assertThat(endB.output())
        .as("B's output")
        .contains("run " + runId + " SUCCEEDED")
        .contains("resuming run " + runId + ": " + chunksByA.size() + " of " + held.chunksTotal());
    soft.assertThat(afterB.state()).as("state after B").isEqualTo(RunState.SUCCEEDED);
    soft.assertThat(afterB.owner())
        .as("owner after B")
        .hasValueSatisfying(o -> assertThat(o).startsWith(bPid + "@"));
    soft.assertThat(afterB.epoch()).as("B's epoch").isGreaterThan(held.epoch());
    String ownerB = afterB.owner().orElse("?");

    soft.assertThat(endA.exitCode())
        .as("A's exit code after SIGCONT (7: fenced); its output:\n%s", endA.output())
        .isEqualTo(7);
    soft.assertThat(endA.output())
        .as("A's message")
        .contains(
            "error: run "
                + runId
                + " was taken over by "
                + ownerB
                + " (epoch "
                + afterB.epoch()
                + ") while this driver held epoch "
                + held.epoch()
                + "; this driver stops and writes nothing more");
    soft.assertThat(CliDriver.latestVersion(output))
        .as("output table version after A woke")
        .isEqualTo(outputVersionAfterB);
    soft.assertThat(CliDriver.latestVersion(deadLetter))
        .as("dead-letter table version after A woke")
        .isEqualTo(deadLetterVersionAfterB);
    soft.assertThat(afterA)
        .as("the run's record after A woke (A changed nothing)")
        .isEqualTo(afterB);
    soft.assertThat(ledger)
        .as("the ledger after A woke (A changed nothing)")
        .isEqualTo(ledgerAfterB);
    soft.assertThat(history)
        .as("history after A woke (A added nothing)")
        .hasSameSizeAs(historyAfterB);

    assertOneChain(soft, history, List.of(a.pid(), bPid));
    int takeOfB = indexOfTake(history, bPid);
    soft.assertThat(takeOfB).as("B's take in the history").isNotNegative();
    if (takeOfB >= 0) {
      Transition handOver = history.get(takeOfB - 1);
      soft.assertThat(handOver.from() + " -> " + handOver.to())
          .as("the move before B's take")
          .isEqualTo("RUNNING -> QUEUED");
      soft.assertThat(handOver.detail())
          .as("why B took the run")
          .contains("driver " + ownerA + " is gone (heartbeat")
          .contains("timeout 4 s");
      soft.assertThat(history.subList(takeOfB - 1, history.size()))
          .as("history from B's take: nothing by A")
          .allSatisfy(t -> assertThat(t.owner()).startsWith(bPid + "@"));
    }
    assertIdsOnce(soft, tables, chunkCommits, ledger, held.chunksTotal());
    soft.assertAll();
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * One line of a run's history. {@code owner} is "" and {@code epoch} -1 when the line has none.
   */
  private record Transition(
      String line, String from, String to, String owner, long epoch, String detail) {}

  private static List<Transition> history(String runId) {
    return catalog.runs().history(runId).stream()
        .map(
            line -> {
              Matcher m = HISTORY_LINE.matcher(line);
              assertThat(m.matches()).as("history line '%s'", line).isTrue();
              return new Transition(
                  line,
                  m.group(2),
                  m.group(3),
                  Optional.ofNullable(m.group(4)).orElse(""),
                  m.group(5) == null ? -1 : Long.parseLong(m.group(5)),
                  Optional.ofNullable(m.group(6)).orElse(""));
            })
        .toList();
  }

  /**
   * The history is one chain of owners: the takes (moves to PLANNING) are by {@code takers}' pids,
   * in this order, each once, with strictly rising epochs; epochs never go down along the history;
   * and every line after a take up to the next one is by the taker, under its epoch.
   */
  private static void assertOneChain(
      SoftAssertions soft, List<Transition> history, List<Long> takers) {
    String shown = String.join("\n", history.stream().map(Transition::line).toList());
    List<Transition> takes = history.stream().filter(t -> t.to().equals("PLANNING")).toList();
    soft.assertThat(takes)
        .as("takes (moves to PLANNING) in the history:\n%s", shown)
        .hasSize(takers.size());
    for (int i = 0; i < Math.min(takes.size(), takers.size()); i++) {
      long pid = takers.get(i);
      soft.assertThat(takes.get(i).owner()).as("owner of take %d", i + 1).startsWith(pid + "@");
      soft.assertThat(takes)
          .as("takes by %d", pid)
          .filteredOn(t -> t.owner().startsWith(pid + "@"))
          .hasSize(1);
    }
    soft.assertThat(takes.stream().map(Transition::epoch).toList())
        .as("epochs of the takes:\n%s", shown)
        .isSorted()
        .doesNotHaveDuplicates()
        .allMatch(e -> e > 0);
    soft.assertThat(history.stream().filter(t -> t.epoch() >= 0).map(Transition::epoch).toList())
        .as("epochs along the history:\n%s", shown)
        .isSorted();
    Transition holder = null;
    for (int i = 0; i < history.size(); i++) {
      Transition t = history.get(i);
      boolean handOver =
          t.to().equals("QUEUED")
              && i + 1 < history.size()
              && history.get(i + 1).to().equals("PLANNING")
              && history.get(i + 1).owner().equals(t.owner());
      if (t.to().equals("PLANNING") || handOver) {
        holder = t.to().equals("PLANNING") ? t : history.get(i + 1);
        continue;
      }
      if (holder != null) {
        soft.assertThat(t.owner() + " epoch " + t.epoch())
            .as("line %d (%s) under the holder", i, t.line())
            .isEqualTo(holder.owner() + " epoch " + holder.epoch());
      }
    }
  }

  private static int indexOfTake(List<Transition> history, long pid) {
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).to().equals("PLANNING") && history.get(i).owner().startsWith(pid + "@")) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Every input id is in output ∪ dead-letter exactly once; each chunk's transaction is in the
   * output table's Delta log once; the ledger has every chunk COMMITTED and its counts agree with
   * the tables.
   */
  private static void assertIdsOnce(
      SoftAssertions soft,
      FaultFixtures.Tables tables,
      List<Integer> chunkCommits,
      List<ChunkRecord> ledger,
      int chunks) {
    soft.assertThat(tables.rowsIn()).as("input ids").isEqualTo(ROWS);
    soft.assertThat(tables.duplicates()).as("ids written twice").isZero();
    soft.assertThat(tables.lost()).as("input ids in neither table").isZero();
    soft.assertThat(tables.strangers()).as("ids written that the input does not hold").isZero();
    soft.assertThat(tables.rowsOut() + tables.deadLetter())
        .as("rows out + dead-letter rows")
        .isEqualTo(ROWS);
    soft.assertThat(chunkCommits)
        .as("chunk transactions in the output's Delta log")
        .hasSize(chunks)
        .doesNotHaveDuplicates();
    soft.assertThat(ledger)
        .as("ledger")
        .hasSize(chunks)
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(ChunkState.COMMITTED));
    soft.assertThat(ledger.stream().mapToLong(c -> c.rowsOut().orElse(0L)).sum())
        .as("ledger rows out")
        .isEqualTo(tables.rowsOut());
    soft.assertThat(ledger.stream().mapToLong(c -> c.deadLetterRows().orElse(0L)).sum())
        .as("ledger dead-letter rows")
        .isEqualTo(tables.deadLetter());
  }

  private Process start(CliDriver cli, Path log, Path specFile) throws IOException {
    Process process = cli.start(log, "run", specFile.toString());
    started.add(process);
    return process;
  }

  /** Waits for {@code process} to end (killing it and failing after {@link #DRIVER_TIMEOUT}). */
  private static CliDriver.Finished finish(Process process, Path log, long startedNanos)
      throws IOException, InterruptedException {
    if (!process.waitFor(DRIVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      CliDriver.signal(process, "CONT");
      CliDriver.kill(process);
      throw new AssertionError(
          "driver "
              + process.pid()
              + " did not end within "
              + DRIVER_TIMEOUT
              + "; its output:\n"
              + Files.readString(log));
    }
    return new CliDriver.Finished(
        process.exitValue(),
        Files.readString(log),
        Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  /**
   * Polls {@code barrier} until every driver wrote its {@code <pid>.ready}; fails when one exits
   * first.
   */
  private static void awaitReady(Path barrier, List<Process> drivers, List<Path> logs)
      throws Exception {
    long deadline = System.nanoTime() + DRIVER_TIMEOUT.toNanos();
    Files.createDirectories(barrier);
    // Woken by the file system (inotify) as each driver writes its .ready file, or by a driver
    // exit.
    try (WatchService watcher = barrier.getFileSystem().newWatchService()) {
      barrier.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
      drivers.forEach(
          d -> d.onExit().thenRun(() -> barrier.resolve("exited-" + d.pid()).toFile().mkdir()));
      while (!drivers.stream().allMatch(d -> Files.exists(barrier.resolve(d.pid() + ".ready")))) {
        for (int i = 0; i < drivers.size(); i++) {
          if (!drivers.get(i).isAlive()) {
            throw new AssertionError(
                "driver "
                    + drivers.get(i).pid()
                    + " exited ("
                    + drivers.get(i).exitValue()
                    + ") before reaching the take barrier; its output:\n"
                    + Files.readString(logs.get(i)));
          }
        }
        long left = deadline - System.nanoTime();
        WatchKey key = left > 0 ? watcher.poll(left, TimeUnit.NANOSECONDS) : null;
        if (key == null) {
          throw new AssertionError(
              "drivers did not both reach the take barrier within " + DRIVER_TIMEOUT);
        }
        key.pollEvents();
        key.reset();
      }
    }
  }

  /**
   * Waits until {@code /proc/<pid>/stat} says the process is stopped (state T), where there is a
   * /proc. The kernel stops it as it delivers SIGSTOP, so this spins for microseconds, not a poll.
   */
  private static void awaitStopped(Process process) throws Exception {
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    if (!Files.exists(stat)) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String text = Files.readString(stat);
      char state = text.charAt(text.lastIndexOf(')') + 2);
      if (state == 'T' || state == 't') {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "process " + process.pid() + " not stopped 30 s after SIGSTOP (state " + state + ")");
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Waits until the run's heartbeat (stamped by the database, whose clock is this JVM's: this JVM
   * serves the embedded catalog) is older than {@code age}: each wait ends exactly when the latest
   * heartbeat would turn {@code age} old, so it returns after at most one wait once the driver is
   * stopped, and fails if the heartbeat moved meanwhile. Returns that heartbeat.
   */
  private static Instant awaitStaleHeartbeat(String runId, Duration age) throws Exception {
    Instant first = catalog.runs().get(runId).heartbeatAt().orElseThrow();
    Object timer = new Object();
    while (true) {
      Instant heartbeat = catalog.runs().get(runId).heartbeatAt().orElseThrow();
      assertThat(heartbeat).as("heartbeat of a stopped driver does not move").isEqualTo(first);
      Duration left = Duration.between(Instant.now(), heartbeat.plus(age));
      if (left.isNegative()) {
        return heartbeat;
      }
      synchronized (timer) {
        timer.wait(Math.max(1, left.toMillis() + 1)); // the liveness timeout itself must elapse
      }
    }
  }

  /** The {@code error: ...} line a command printed, or a note that there is none. */
  private static String errorLine(String output) {
    return output
        .lines()
        .filter(l -> l.startsWith("error: "))
        .findFirst()
        .orElse("(no error line)");
  }

  private static RunRecord onlyRun(String name) {
    List<RunRecord> runs =
        catalog.runs().list(new RunFilter(Optional.empty(), Optional.of(name), 100)).stream()
            .filter(r -> r.name().equals(name))
            .toList();
    assertThat(runs).as("runs of " + name).hasSize(1);
    return runs.get(0);
  }

  private static CliDriver cli() {
    return CliDriver.withHome(home).fastStart();
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
