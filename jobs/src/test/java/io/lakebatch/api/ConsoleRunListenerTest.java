package io.lakebatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.store.RunProgress;
import io.lakebatch.catalog.store.RunState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lines {@code lakebatch run} prints for a run's events: the ones it printed before events
 * existed.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConsoleRunListenerTest {
  private static final String RUN = "eta-0123456789ab";
  private static final RunProgress PROGRESS =
      new RunProgress(
          RUN,
          RunState.RUNNING,
          500,
          1_000,
          1,
          0,
          2,
          250.0,
          Optional.of(Duration.ofSeconds(2)),
          Duration.ofSeconds(2));

  private static List<String> printed(RunEvent... events) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleRunListener console =
        new ConsoleRunListener(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    for (RunEvent event : events) {
      console.on(event);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void theRunsHeaderAndItsResumeLine() {
    assertThat(
            printed(
                new RunEvent.RunPlanned(
                    RUN,
                    2,
                    1_000,
                    "delta /data/in @ version 3",
                    "/data/out",
                    "eta@2",
                    "0123456789abcdef0123",
                    "/home/runs/" + RUN + "/driver.log",
                    1,
                    2)))
        .containsExactly(
            "run eta-0123456789ab: 2 chunks, 1,000 rows from delta /data/in @ version 3 -> /data/out",
            "  model eta@2 (sha256 0123456789abcdef), driver log /home/runs/eta-0123456789ab/driver.log",
            "resuming run eta-0123456789ab: 1 of 2 chunks already committed (ledger: 2 rows rebuilt from the Delta log)");
    assertThat(
            printed(
                new RunEvent.RunPlanned(
                    RUN, 2, 1_000, "parquet /in", "/out", "m.onnx", "ab", "-", 0, 0)))
        .hasSize(2);
  }

  @Test
  void chunkLinesCommittedStagedAndFailed() {
    assertThat(
            printed(
                new RunEvent.ChunkStarted(RUN, 0, 2, 500, 1),
                new RunEvent.ChunkCommitted(RUN, 0, 2, 495, 5, 7, PROGRESS),
                new RunEvent.ProgressUpdated(RUN, PROGRESS),
                new RunEvent.ChunkStaged(RUN, 1, 2, 500, 0, PROGRESS),
                new RunEvent.ChunkFailed(RUN, 1, 2, 1, "executor lost", true, false),
                new RunEvent.ChunkFailed(RUN, 1, 2, 2, "executor lost", false, true),
                new RunEvent.ChunkFailed(RUN, 1, 2, 3, "bad file", false, false)))
        .containsExactly(
            "chunk 1/2 committed (table version 7): 495 rows out, 5 dead-letter | "
                + PROGRESS.render(),
            "chunk 2/2 staged (published with the last chunk): 500 rows out, 0 dead-letter | "
                + PROGRESS.render(),
            "chunk 2/2 attempt 1 failed: executor lost (retrying)",
            "chunk 2/2 attempt 2 failed: executor lost (run's retry budget retries.job used up)",
            "chunk 2/2 attempt 3 failed: bad file");
  }

  @Test
  void notesArePrintedAsTheyAreAndTheEndPrintsNothing() {
    RunSummary summary =
        new RunSummary(
            RUN,
            RunState.SUCCEEDED,
            1_000,
            1_000,
            1_000,
            0,
            2,
            2,
            0,
            List.of(),
            256,
            Optional.empty(),
            Duration.ofSeconds(1));
    assertThat(
            printed(
                new RunEvent.RunNote(
                    RUN, RunEvent.NoteKind.PREFLIGHT, "preflight: 16 sample rows from f scored"),
                new RunEvent.RunNote(
                    RUN,
                    RunEvent.NoteKind.CANCEL,
                    "run " + RUN + ": cancel requested; stopping before chunk 1"),
                new RunEvent.RunEnded(RUN, Optional.of(summary), Optional.empty())))
        .containsExactly(
            "preflight: 16 sample rows from f scored",
            "run " + RUN + ": cancel requested; stopping before chunk 1");
  }
}
