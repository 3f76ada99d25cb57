package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoredPlanTest {
  private static final FakeRowGroupSource ROW_GROUPS = new FakeRowGroupSource();
  private static final InputFile B = ROW_GROUPS.add("file:/in/b.parquet", 100, 100, 100);
  private static final InputFile A = ROW_GROUPS.add("file:/in/a.parquet", 100, 100);
  private static final InputFingerprint INPUT =
      new InputFingerprint(
          7,
          List.of(
              new PinnedFile(B.path(), B.sizeBytes(), 1_700_000_000_123L, B.rows()),
              new PinnedFile(A.path(), A.sizeBytes(), 1_700_000_000_000L, A.rows())));

  private static InferencePlan plan() {
    return ChunkPlanner.plan(
        INPUT.inputFiles(),
        ROW_GROUPS,
        new PlanningOptions(250, java.util.OptionalLong.empty(), 2, 2, RowCost.rowsOnly()));
  }

  @Test
  void roundTripsExactly() {
    StoredPlan stored = new StoredPlan(INPUT, plan());
    StoredPlan read = StoredPlan.fromJson(stored.toJson());
    assertThat(read).isEqualTo(stored);
    assertThat(read.plan().chunks())
        .extracting(Chunk::splitsHash)
        .isEqualTo(stored.plan().chunks().stream().map(Chunk::splitsHash).toList());
    assertThat(read.input().sha256()).isEqualTo(INPUT.sha256());
  }

  @Test
  void fingerprintIsOrderFreeAndSeesSizeRowsAndVersion() {
    InputFingerprint reordered =
        new InputFingerprint(7, List.of(INPUT.files().get(1), INPUT.files().get(0)));
    assertThat(reordered.sha256()).isEqualTo(INPUT.sha256());
    assertThat(new InputFingerprint(8, INPUT.files()).sha256()).isNotEqualTo(INPUT.sha256());
    assertThat(
            new InputFingerprint(
                    7,
                    List.of(
                        INPUT.files().get(0),
                        new PinnedFile(B.path(), B.sizeBytes() + 1, 1_700_000_000_123L, B.rows())))
                .sha256())
        .isNotEqualTo(INPUT.sha256());
  }

  @Test
  void splitsHashChangesWhenAChunkCoversOtherRows() {
    Chunk chunk = plan().chunks().get(0);
    FileSplit first = chunk.splits().get(0);
    Chunk shifted =
        new Chunk(
            0,
            List.of(
                new PlannedTask(
                    0,
                    List.of(
                        new FileSplit(
                            first.path(),
                            first.start(),
                            first.length(),
                            first.rows() - 1,
                            first.fileSize())))));
    assertThat(shifted.splitsHash()).isNotEqualTo(chunk.splitsHash());
  }

  @Test
  void refusesAnotherFormat() {
    assertThatThrownBy(() -> StoredPlan.fromJson("{\"format\":99}"))
        .hasMessageContaining("format 99");
  }
}
