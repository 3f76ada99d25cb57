package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@link RunProgress#of}, checked against hand-computed numbers. */
class RunProgressTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static RunRecord run(
      RunState state,
      long rowsTotal,
      int chunksTotal,
      long inFlight,
      Optional<Instant> attemptStart,
      Optional<Instant> finishedAt) {
    return new RunRecord(
        "r1",
        "job",
        "key",
        "h".repeat(64),
        "spec",
        "file:/m.onnx",
        Optional.empty(),
        Optional.empty(),
        "s".repeat(64),
        "/in",
        3,
        "/out",
        "/dl",
        state,
        1,
        rowsTotal,
        chunksTotal,
        inFlight,
        512,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        0,
        false,
        T0,
        T0,
        attemptStart,
        finishedAt,
        Optional.empty(),
        0);
  }

  private static ChunkRecord chunk(
      int index, ChunkState state, long planned, Optional<Instant> committedAt) {
    return new ChunkRecord(
        "r1",
        index,
        state,
        planned,
        Optional.empty(),
        Optional.empty(),
        1,
        Optional.empty(),
        Optional.empty(),
        committedAt,
        T0);
  }

  @Test
  void countsCommittedRowsAndRateOfTheCurrentAttemptOnly() {
    Instant start = T0.plusSeconds(100);
    Instant now = start.plusSeconds(20);
    List<ChunkRecord> chunks =
        List.of(
            chunk(
                0, ChunkState.COMMITTED, 250, Optional.of(T0.plusSeconds(50))), // previous attempt
            chunk(1, ChunkState.COMMITTED, 250, Optional.of(start.plusSeconds(5))),
            chunk(
                2,
                ChunkState.COMMITTED,
                250,
                Optional.of(start)), // exactly at the start: this attempt
            chunk(3, ChunkState.RUNNING, 250, Optional.empty()));
    RunProgress p =
        RunProgress.of(
            run(RunState.RUNNING, 1000, 4, 50, Optional.of(start), Optional.empty()), chunks, now);

    // done = 750 committed + 50 in flight; this attempt = 500 + 50 = 550 rows in 20 s = 27.5 rows/s
    assertThat(p.rowsDone()).isEqualTo(800);
    assertThat(p.rowsTotal()).isEqualTo(1000);
    assertThat(p.chunksDone()).isEqualTo(3);
    assertThat(p.chunksFailed()).isZero();
    assertThat(p.chunksTotal()).isEqualTo(4);
    assertThat(p.rowsPerSecond()).isCloseTo(27.5, within(1e-9));
    // 200 rows left at 27.5 rows/s = 7.27 s, rounded up
    assertThat(p.eta()).contains(Duration.ofSeconds(8));
    assertThat(p.elapsed()).isEqualTo(Duration.ofSeconds(20));
    assertThat(p.fraction()).isCloseTo(0.8, within(1e-12));
    assertThat(p.state()).isEqualTo(RunState.RUNNING);
    assertThat(p.runId()).isEqualTo("r1");
  }

  @Test
  void committedChunkWithoutTimestampCountsAsDoneButNotTowardsTheRate() {
    Instant start = T0.plusSeconds(10);
    List<ChunkRecord> chunks =
        List.of(
            chunk(0, ChunkState.COMMITTED, 100, Optional.empty()),
            chunk(1, ChunkState.COMMITTED, 100, Optional.of(start.plusSeconds(1))),
            chunk(2, ChunkState.FAILED, 100, Optional.empty()),
            chunk(3, ChunkState.PENDING, 100, Optional.empty()));
    RunProgress p =
        RunProgress.of(
            run(RunState.RUNNING, 400, 4, 0, Optional.of(start), Optional.empty()),
            chunks,
            start.plusSeconds(4));
    assertThat(p.rowsDone()).isEqualTo(200);
    assertThat(p.chunksDone()).isEqualTo(2);
    assertThat(p.chunksFailed()).isEqualTo(1);
    assertThat(p.rowsPerSecond()).isCloseTo(25.0, within(1e-9)); // 100 rows / 4 s
    assertThat(p.eta()).contains(Duration.ofSeconds(8)); // 200 / 25
    assertThat(p.render())
        .isEqualTo("RUNNING 2/4 chunks (1 failed) | 200/400 rows (50%) | 25 rows/s | ETA 0:00:08");
  }

  @Test
  void noRateYetMeansUnknownEta() {
    Instant start = T0.plusSeconds(10);
    List<ChunkRecord> chunks =
        List.of(
            chunk(0, ChunkState.PENDING, 100, Optional.empty()),
            chunk(1, ChunkState.RUNNING, 100, Optional.empty()));
    // just started: no elapsed time
    RunProgress justStarted =
        RunProgress.of(
            run(RunState.RUNNING, 200, 2, 0, Optional.of(start), Optional.empty()), chunks, start);
    assertThat(justStarted.rowsPerSecond()).isZero();
    assertThat(justStarted.eta()).isEmpty();
    assertThat(justStarted.elapsed()).isEqualTo(Duration.ZERO);
    assertThat(justStarted.render())
        .isEqualTo("RUNNING 0/2 chunks | 0/200 rows (0%) | 0 rows/s | ETA ?");

    // running a while without a row done: still no rate
    RunProgress idle =
        RunProgress.of(
            run(RunState.RUNNING, 200, 2, 0, Optional.of(start), Optional.empty()),
            chunks,
            start.plusSeconds(30));
    assertThat(idle.rowsPerSecond()).isZero();
    assertThat(idle.eta()).isEmpty();
    assertThat(idle.elapsed()).isEqualTo(Duration.ofSeconds(30));

    // queued, never started: no elapsed time, no rate
    RunProgress queued =
        RunProgress.of(
            run(RunState.QUEUED, 200, 2, 0, Optional.empty(), Optional.empty()),
            chunks,
            T0.plusSeconds(99));
    assertThat(queued.elapsed()).isEqualTo(Duration.ZERO);
    assertThat(queued.eta()).isEmpty();
    assertThat(queued.rowsDone()).isZero();
  }

  @Test
  void emptyRunIsDoneWithZeroEta() {
    RunProgress p =
        RunProgress.of(
            run(RunState.RUNNING, 0, 0, 0, Optional.of(T0), Optional.empty()),
            List.of(),
            T0.plusSeconds(3));
    assertThat(p.rowsDone()).isZero();
    assertThat(p.rowsTotal()).isZero();
    assertThat(p.rowsPerSecond()).isZero();
    assertThat(p.eta()).contains(Duration.ZERO);
    assertThat(p.fraction()).isEqualTo(1.0);
    assertThat(p.render())
        .isEqualTo("RUNNING 0/0 chunks | 0/0 rows (100%) | 0 rows/s | ETA 0:00:00");
  }

  @Test
  void zeroRowChunksCountByChunks() {
    List<ChunkRecord> chunks =
        List.of(
            chunk(0, ChunkState.COMMITTED, 0, Optional.of(T0)),
            chunk(1, ChunkState.PENDING, 0, Optional.empty()));
    RunProgress p =
        RunProgress.of(
            run(RunState.RUNNING, 0, 2, 0, Optional.of(T0), Optional.empty()),
            chunks,
            T0.plusSeconds(1));
    assertThat(p.fraction()).isEqualTo(0.0);
    assertThat(p.eta()).contains(Duration.ZERO);
  }

  @Test
  void terminalRunHasZeroEtaAndElapsedFrozenAtFinish() {
    Instant start = T0.plusSeconds(10);
    Instant finished = start.plusSeconds(40);
    List<ChunkRecord> chunks =
        List.of(
            chunk(0, ChunkState.COMMITTED, 100, Optional.of(start.plusSeconds(20))),
            chunk(1, ChunkState.FAILED, 100, Optional.empty()));
    // a failed run keeps rows in flight in its record; they must not count
    RunProgress p =
        RunProgress.of(
            run(RunState.PARTIAL, 200, 2, 70, Optional.of(start), Optional.of(finished)),
            chunks,
            finished.plusSeconds(3600));
    assertThat(p.eta()).contains(Duration.ZERO);
    assertThat(p.elapsed()).isEqualTo(Duration.ofSeconds(40));
    assertThat(p.rowsDone()).isEqualTo(100);
    assertThat(p.rowsPerSecond()).isCloseTo(2.5, within(1e-9));
    assertThat(p.chunksFailed()).isEqualTo(1);
  }

  @Test
  void inFlightRowsCountOnlyWhileRunningAndNeverPastTheTotal() {
    Instant start = T0;
    List<ChunkRecord> chunks =
        List.of(
            chunk(0, ChunkState.COMMITTED, 100, Optional.of(start.plusSeconds(1))),
            chunk(1, ChunkState.RUNNING, 100, Optional.empty()));
    RunProgress planning =
        RunProgress.of(
            run(RunState.PLANNING, 200, 2, 90, Optional.of(start), Optional.empty()),
            chunks,
            start.plusSeconds(10));
    assertThat(planning.rowsDone()).isEqualTo(100);
    assertThat(planning.rowsPerSecond()).isCloseTo(10.0, within(1e-9));
    assertThat(planning.eta()).contains(Duration.ofSeconds(10));

    RunProgress over =
        RunProgress.of(
            run(RunState.RUNNING, 200, 2, 150, Optional.of(start), Optional.empty()),
            chunks,
            start.plusSeconds(10));
    assertThat(over.rowsDone()).isEqualTo(200);
    assertThat(over.eta()).contains(Duration.ZERO);
    assertThat(over.fraction()).isEqualTo(1.0);
  }

  @Test
  void subSecondElapsedUsesMilliseconds() {
    Instant start = T0;
    List<ChunkRecord> chunks = new ArrayList<>();
    chunks.add(chunk(0, ChunkState.COMMITTED, 10, Optional.of(start.plusMillis(100))));
    chunks.add(chunk(1, ChunkState.PENDING, 10, Optional.empty()));
    RunProgress p =
        RunProgress.of(
            run(RunState.RUNNING, 20, 2, 0, Optional.of(start), Optional.empty()),
            chunks,
            start.plusMillis(500));
    assertThat(p.rowsPerSecond()).isCloseTo(20.0, within(1e-9)); // 10 rows / 0.5 s
    assertThat(p.eta()).contains(Duration.ofSeconds(1)); // 0.5 s rounded up
  }

  @Test
  void formatsDurations() {
    assertThat(RunProgress.formatDuration(Duration.ZERO)).isEqualTo("0:00:00");
    assertThat(RunProgress.formatDuration(Duration.ofSeconds(59))).isEqualTo("0:00:59");
    assertThat(RunProgress.formatDuration(Duration.ofSeconds(3725))).isEqualTo("1:02:05");
    assertThat(RunProgress.formatDuration(Duration.ofHours(27).plusMinutes(1)))
        .isEqualTo("27:01:00");
  }
}
