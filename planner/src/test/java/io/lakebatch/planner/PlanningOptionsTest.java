package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanningOptionsTest {

  @ParameterizedTest
  @CsvSource({"0", "-1", "-5000000"})
  void rejectsRowsPerChunkBelowOne(long rowsPerChunk) {
    assertThatThrownBy(() -> new PlanningOptions(rowsPerChunk, OptionalLong.empty(), 4, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid rows per chunk (negative or 0): " + rowsPerChunk);
  }

  @ParameterizedTest
  @CsvSource({"0", "-1"})
  void rejectsRowsPerTaskBelowOne(long rowsPerTask) {
    assertThatThrownBy(() -> new PlanningOptions(1_000, OptionalLong.of(rowsPerTask), 4, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid rows per task (negative or 0): " + rowsPerTask);
  }

  @ParameterizedTest
  @CsvSource({"0, 2", "-1, 2", "4, 0", "4, -3", "0, 0"})
  void rejectsCoresOrTasksPerCoreBelowOne(int cores, int tasksPerCore) {
    assertThatThrownBy(() -> new PlanningOptions(1_000, OptionalLong.empty(), cores, tasksPerCore))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid cores or tasks per core: " + cores + ", " + tasksPerCore);
  }

  @Test
  void acceptsTheSmallestValidValues() {
    PlanningOptions options = new PlanningOptions(1, OptionalLong.of(1), 1, 1);
    assertThat(options.pieceRows()).isEqualTo(1);
    assertThat(options.effectiveRowsPerTask()).isEqualTo(1);
  }

  @ParameterizedTest(name = "rowsPerChunk {0}, rowsPerTask {1} -> {2}")
  @CsvSource({
    "5000000, 100000, 100000",
    "5000000, 5000000, 5000000",
    "5000000, 9000000, 5000000", // capped at the chunk
    "10, 3, 3",
  })
  void explicitRowsPerTaskIsUsedForPiecesAndTasksCappedAtTheChunk(
      long rowsPerChunk, long rowsPerTask, long expected) {
    for (int cores : new int[] {1, 7, 64, 1000}) {
      PlanningOptions options =
          new PlanningOptions(rowsPerChunk, OptionalLong.of(rowsPerTask), cores, 3);
      assertThat(options.pieceRows()).isEqualTo(expected);
      assertThat(options.effectiveRowsPerTask()).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "rowsPerChunk {0} -> pieceRows {1}")
  @CsvSource({
    "5120000, 20000",
    "25600, 100",
    "25855, 100", // rounded down
    "256, 1",
    "255, 1", // never 0
    "1, 1",
  })
  void pieceRowsWithoutRowsPerTaskIsA256thOfTheChunk(long rowsPerChunk, long expected) {
    assertThat(PlanningOptions.PIECES_PER_CHUNK).isEqualTo(256);
    for (int cores : new int[] {1, 2, 64, 4096}) {
      for (int tasksPerCore : new int[] {1, 3}) {
        PlanningOptions options =
            new PlanningOptions(rowsPerChunk, OptionalLong.empty(), cores, tasksPerCore);
        assertThat(options.pieceRows())
            .as("cores %d x %d", cores, tasksPerCore)
            .isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest(name = "rowsPerChunk {0}, cores {1} x {2} -> {3}")
  @CsvSource({
    "1000, 4, 2, 125",
    "1001, 4, 2, 126", // rounded up, so cores x tasksPerCore tasks cover the chunk
    "5000000, 64, 3, 26042",
    "5, 64, 2, 1", // never 0
    "1, 1, 1, 1",
    "10, 2147483647, 2147483647, 1", // no int overflow in cores x tasksPerCore
  })
  void effectiveRowsPerTaskWithoutRowsPerTaskSpreadsTheChunkOverTheCores(
      long rowsPerChunk, int cores, int tasksPerCore, long expected) {
    PlanningOptions options =
        new PlanningOptions(rowsPerChunk, OptionalLong.empty(), cores, tasksPerCore);
    assertThat(options.effectiveRowsPerTask()).isEqualTo(expected);
    long tasks = (long) cores * tasksPerCore;
    assertThat(options.effectiveRowsPerTask() * tasks)
        .isGreaterThanOrEqualTo(Math.min(rowsPerChunk, tasks));
  }

  @Test
  void effectiveRowsPerTaskDoesNotOverflowForHugeChunks() {
    PlanningOptions options = new PlanningOptions(Long.MAX_VALUE, OptionalLong.empty(), 4, 2);
    assertThat(options.effectiveRowsPerTask()).isEqualTo(1L << 60); // ceil((2^63 - 1) / 8)
  }
}
