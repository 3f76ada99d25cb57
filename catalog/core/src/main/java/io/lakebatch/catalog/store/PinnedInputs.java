package io.lakebatch.catalog.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What each run pinned at its first attempt (input version, file fingerprint, plan), and the staged
 * chunks of overwrite runs. A rerun finds its job's unfinished run here and resumes it exactly as
 * planned, whatever happened to the input since.
 */
public interface PinnedInputs {

  /**
   * A run's pinned input.
   *
   * @param jobKey the run identity without the input ({@code RunIdentity.jobKey()})
   * @param planJson the stored plan ({@code StoredPlan.toJson()})
   * @param outputBaseVersion the output table's version when the run first started ({@code -1}: no
   *     table)
   */
  record PinnedInput(
      String runId,
      String jobKey,
      long inputVersion,
      String inputSha256,
      String planJson,
      long outputBaseVersion) {
    public PinnedInput {
      requireNonNull(runId, "runId is null");
      requireNonNull(jobKey, "jobKey is null");
      requireNonNull(inputSha256, "inputSha256 is null");
      requireNonNull(planJson, "planJson is null");
    }
  }

  /**
   * A chunk of an overwrite run, written but not yet in the table.
   *
   * @param filesJson the chunk's Delta {@code AddFile} actions, as JSON
   */
  record StagedChunk(int chunk, long rowsOut, long deadLetterRows, String filesJson) {
    public StagedChunk {
      requireNonNull(filesJson, "filesJson is null");
    }
  }

  /**
   * Records what a run pinned unless it is already recorded (a run's pin never changes); returns
   * the stored one.
   */
  PinnedInput save(PinnedInput pinned);

  /** What the run with this id pinned, if it is recorded. */
  Optional<PinnedInput> find(String runId);

  /**
   * The job's newest run when it has not SUCCEEDED (queued, running, failed, partial or cancelled):
   * the one a rerun of the job resumes. Empty when the job has no run or its newest run succeeded —
   * an older unfinished run superseded by a {@code --new-run} is never resumed.
   */
  Optional<PinnedInput> unfinishedRun(String jobKey);

  /**
   * Records a staged chunk for the driver holding {@code epoch}, in one transaction with the
   * fencing check: a driver that lost the run stages nothing. A chunk staged again replaces the
   * earlier one.
   *
   * @return whether it was recorded ({@code false}: the run moved to another epoch)
   */
  boolean stage(String runId, long epoch, StagedChunk staged);

  /** Staged chunks of a run, by chunk index. */
  List<StagedChunk> staged(String runId);

  /** Forgets staged chunks whose files are gone (they run again). */
  void unstage(String runId, List<Integer> chunks);
}
