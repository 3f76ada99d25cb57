package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What runs pin, which run a rerun resumes, and fenced staging (embedded catalog). */
@Timeout(60)
class PinnedInputsTest {
  @TempDir Path home;
  private RunStore runs;
  private PinnedInputs pins;

  @BeforeEach
  void open() {
    Catalog catalog = Catalog.open(CatalogConfig.embedded(home));
    runs = catalog.runs();
    pins = catalog.pinnedInputs();
  }

  private PinnedInputs.PinnedInput pin(String runId, String jobKey) {
    runs.register(RunStoreContractTest.newRun(runId, "job", List.of(10L, 10L)));
    return pins.save(
        new PinnedInputs.PinnedInput(
            runId, jobKey, 7, "ab".repeat(32), "{\"plan\":\"" + runId + "\"}", -1));
  }

  private RunLease take(String runId) {
    return runs.take(runId, RunOwner.current(), RunOwner.HEARTBEAT_TIMEOUT, () -> {});
  }

  @Test
  void aRunsPinIsStoredOnceAndNeverChanges() {
    PinnedInputs.PinnedInput first = pin("r1", "job-a");
    PinnedInputs.PinnedInput again =
        pins.save(new PinnedInputs.PinnedInput("r1", "job-a", 99, "cd".repeat(32), "{}", 5));
    assertThat(again).isEqualTo(first);
    assertThat(pins.find("r1")).contains(first);
  }

  @Test
  void aRerunResumesTheJobsNewestRunUnlessItSucceeded() {
    assertThat(pins.unfinishedRun("job-a")).isEmpty();
    pin("r1", "job-a");
    pin("other", "job-b");
    assertThat(pins.unfinishedRun("job-a")).map(PinnedInputs.PinnedInput::runId).contains("r1");
    RunLease lease = take("r1");
    runs.transition(lease, RunState.FAILED, "chunk 1 failed");
    assertThat(pins.unfinishedRun("job-a")).map(PinnedInputs.PinnedInput::runId).contains("r1");
    // A --new-run that succeeded supersedes the older failed run: that one is never resumed again.
    pin("r2", "job-a");
    RunLease second = take("r2");
    runs.transition(second, RunState.RUNNING, null);
    runs.transition(second, RunState.SUCCEEDED, "done");
    assertThat(pins.unfinishedRun("job-a")).isEmpty();
    assertThat(pins.unfinishedRun("job-b")).map(PinnedInputs.PinnedInput::runId).contains("other");
  }

  @Test
  void onlyTheLeaseHolderStagesChunks() {
    pin("r1", "job-a");
    RunLease zombie = take("r1");
    assertThat(pins.stage("r1", zombie.epoch(), new PinnedInputs.StagedChunk(0, 10, 0, "[]")))
        .isTrue();
    RunLease next = runs.take("r1", RunOwner.current(), java.time.Duration.ZERO, () -> {});
    assertThat(next.epoch()).isGreaterThan(zombie.epoch());
    assertThat(pins.stage("r1", zombie.epoch(), new PinnedInputs.StagedChunk(1, 10, 0, "[]")))
        .isFalse();
    assertThatThrownBy(() -> runs.checkLease(zombie))
        .isInstanceOfSatisfying(
            LakeBatchException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.CONFLICT));
    assertThat(pins.stage("r1", next.epoch(), new PinnedInputs.StagedChunk(1, 9, 1, "[\"x\"]")))
        .isTrue();
    assertThat(pins.staged("r1")).extracting(PinnedInputs.StagedChunk::chunk).containsExactly(0, 1);
    pins.unstage("r1", List.of(0));
    assertThat(pins.staged("r1")).containsExactly(new PinnedInputs.StagedChunk(1, 9, 1, "[\"x\"]"));
  }
}
