package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.store.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunOutcomesTest {
  private static RunSummary summary(List<ChunkOutcome> outcomes, int chunks) {
    return new RunOutcomes(outcomes)
        .summary("job-0123456789ab", 1_000, chunks, 256, Optional.empty(), Duration.ofSeconds(2));
  }

  @Test
  void everyChunkCommittedNowOrBeforeSucceedsAndCountsOnlyTodaysRows() {
    List<ChunkOutcome> outcomes =
        List.of(
            new ChunkOutcome.AlreadyCommitted(0),
            new ChunkOutcome.Committed(1, 300, 290, 10, 4),
            new ChunkOutcome.Committed(2, 200, 200, 0, 5));
    RunOutcomes result = new RunOutcomes(outcomes);
    assertThat(result.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(result.allDone(3)).isTrue();
    assertThat(result.detail(3)).isEqualTo("all 3 chunks committed");
    RunSummary summary = summary(outcomes, 3);
    assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(summary.rowsIn()).isEqualTo(500);
    assertThat(summary.rowsOut()).isEqualTo(490);
    assertThat(summary.deadLetterRows()).isEqualTo(10);
    assertThat(summary.chunksRun()).isEqualTo(2);
    assertThat(summary.chunksSkipped()).isEqualTo(1);
    assertThat(summary.failedChunks()).isEmpty();
    assertThat(summary.rowsPerSecond()).isEqualTo(250.0);
  }

  @Test
  void aFailedChunkBesideCommittedOnesIsPartialAndNamedInTheDetail() {
    List<ChunkOutcome> outcomes =
        List.of(
            new ChunkOutcome.Committed(0, 100, 100, 0, 1),
            new ChunkOutcome.Failed(1, 3, "executor lost"),
            new ChunkOutcome.Committed(2, 100, 100, 0, 2));
    RunOutcomes result = new RunOutcomes(outcomes);
    assertThat(result.state()).isEqualTo(RunState.PARTIAL);
    assertThat(result.allDone(3)).isFalse();
    assertThat(result.detail(3)).isEqualTo("chunk 1 after 3 attempt(s): executor lost");
    assertThat(summary(outcomes, 3).failedChunks())
        .containsExactly("chunk 1 after 3 attempt(s): executor lost");
  }

  @Test
  void aChunkCommittedByAnEarlierAttemptMakesFailuresPartialNotFailed() {
    RunOutcomes result =
        new RunOutcomes(
            List.of(
                new ChunkOutcome.AlreadyCommitted(0), new ChunkOutcome.Failed(1, 1, "bad file")));
    assertThat(result.state()).isEqualTo(RunState.PARTIAL);
  }

  @Test
  void onlyFailuresIsFailed() {
    RunOutcomes result =
        new RunOutcomes(
            List.of(new ChunkOutcome.Failed(0, 2, "a"), new ChunkOutcome.Failed(1, 2, "b")));
    assertThat(result.state()).isEqualTo(RunState.FAILED);
    assertThat(result.detail(2))
        .isEqualTo("chunk 0 after 2 attempt(s): a; chunk 1 after 2 attempt(s): b");
  }

  @Test
  void aCancelEndsCancelledEvenWithFailuresAndLeavesChunksUndone() {
    List<ChunkOutcome> outcomes =
        List.of(
            new ChunkOutcome.Committed(0, 100, 100, 0, 1),
            new ChunkOutcome.Failed(1, 1, "x"),
            new ChunkOutcome.Cancelled(2));
    RunOutcomes result = new RunOutcomes(outcomes);
    assertThat(result.state()).isEqualTo(RunState.CANCELLED);
    assertThat(result.allDone(4)).isFalse();
    RunSummary summary = summary(outcomes, 4);
    assertThat(summary.chunksRun()).isEqualTo(1);
    assertThat(summary.failedChunks()).hasSize(1);
  }

  @Test
  void stagedChunksCountAsRunAndAllStagedLetsAnOverwriteRunPublish() {
    List<ChunkOutcome> outcomes =
        List.of(new ChunkOutcome.Staged(0, 50, 45, 5), new ChunkOutcome.Staged(1, 50, 50, 0));
    RunOutcomes result = new RunOutcomes(outcomes);
    assertThat(result.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(result.allDone(2)).isTrue();
    RunSummary summary = summary(outcomes, 2);
    assertThat(summary.rowsIn()).isEqualTo(100);
    assertThat(summary.rowsOut()).isEqualTo(95);
    assertThat(summary.deadLetterRows()).isEqualTo(5);
    assertThat(summary.chunksRun()).isEqualTo(2);
  }

  @Test
  void noChunksAtAllSucceeds() {
    RunOutcomes result = new RunOutcomes(List.of());
    assertThat(result.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(result.allDone(0)).isTrue();
    assertThat(summary(List.of(), 0).rowsPerSecond()).isZero();
  }

  @Test
  void theSummaryRendersAsTheCliPrintsIt() {
    String text = summary(List.of(new ChunkOutcome.Committed(0, 1_000, 990, 10, 1)), 1).render();
    assertThat(text)
        .contains("run job-0123456789ab SUCCEEDED")
        .contains("rows in          1,000 (planned 1,000)")
        .contains("rows out         990")
        .contains("dead-letter      10")
        .contains("chunks           1 total, 1 run now, 0 already committed, 0 failed")
        .contains("batch size       256");
  }
}
