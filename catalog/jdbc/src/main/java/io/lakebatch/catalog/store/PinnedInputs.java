package io.lakebatch.catalog.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What each run pinned at its first attempt (input version, file fingerprint, plan), and the staged
 * chunks of overwrite runs. A rerun finds its job's unfinished run here and resumes it exactly as
 * planned, whatever happened to the input since.
 */
public final class PinnedInputs {
  private final CatalogDatabase database;
  private final Clock clock;

  public PinnedInputs(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * A run's pinned input.
   *
   * @param jobKey the run identity without the input ({@code RunIdentity.jobKey()})
   * @param planJson the stored plan ({@code StoredPlan.toJson()})
   * @param outputBaseVersion the output table's version when the run first started ({@code -1}: no
   *     table)
   */
  public record PinnedInput(
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
   * Records what a run pinned unless it is already recorded (a run's pin never changes); returns
   * the stored one.
   */
  public PinnedInput save(PinnedInput pinned) {
    return database.inTransaction(
        c -> {
          Optional<PinnedInput> existing = find(c, pinned.runId());
          if (existing.isPresent()) {
            return existing.get();
          }
          try (PreparedStatement insert =
              c.prepareStatement(
                  """
          INSERT INTO run_inputs (run_id, job_key, input_version, input_sha256, plan_json, output_base_version,
            created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, pinned.runId());
            insert.setString(2, pinned.jobKey());
            insert.setLong(3, pinned.inputVersion());
            insert.setString(4, pinned.inputSha256());
            insert.setString(5, pinned.planJson());
            insert.setLong(6, pinned.outputBaseVersion());
            insert.setObject(7, RunStore.timestamp(clock.instant()));
            insert.executeUpdate();
          }
          return pinned;
        });
  }

  public Optional<PinnedInput> find(String runId) {
    return database.inTransaction(c -> find(c, runId));
  }

  /**
   * The job's newest run when it has not SUCCEEDED (queued, running, failed, partial or cancelled):
   * the one a rerun of the job resumes. Empty when the job has no run or its newest run succeeded —
   * an older unfinished run superseded by a {@code --new-run} is never resumed.
   */
  public Optional<PinnedInput> unfinishedRun(String jobKey) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query =
              c.prepareStatement(
                  """
          SELECT i.*, r.state FROM run_inputs i JOIN runs r ON r.run_id = i.run_id
          WHERE i.job_key = ? ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1""")) {
            query.setString(1, jobKey);
            try (ResultSet rs = query.executeQuery()) {
              return rs.next() && !RunState.SUCCEEDED.name().equals(rs.getString("state"))
                  ? Optional.of(pinnedInput(rs))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * A chunk of an overwrite run, written but not yet in the table.
   *
   * @param filesJson the chunk's Delta {@code AddFile} actions, as JSON
   */
  public record StagedChunk(int chunk, long rowsOut, long deadLetterRows, String filesJson) {
    public StagedChunk {
      requireNonNull(filesJson, "filesJson is null");
    }
  }

  /**
   * Records a staged chunk for the driver holding {@code epoch}, in one transaction with the
   * fencing check: a driver that lost the run stages nothing.
   *
   * @return whether it was recorded ({@code false}: the run moved to another epoch)
   */
  public boolean stage(String runId, long epoch, StagedChunk staged) {
    return database.inTransaction(
        c -> {
          if (!holds(c, runId, epoch)) {
            return false;
          }
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM staged_chunks WHERE run_id = ? AND chunk = ?")) {
            delete.setString(1, runId);
            delete.setInt(2, staged.chunk());
            delete.executeUpdate();
          }
          try (PreparedStatement insert =
              c.prepareStatement(
                  """
          INSERT INTO staged_chunks (run_id, chunk, rows_out, dead_letter_rows, files_json, staged_at)
          VALUES (?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, runId);
            insert.setInt(2, staged.chunk());
            insert.setLong(3, staged.rowsOut());
            insert.setLong(4, staged.deadLetterRows());
            insert.setString(5, staged.filesJson());
            insert.setObject(6, RunStore.timestamp(clock.instant()));
            insert.executeUpdate();
          }
          return true;
        });
  }

  /** Staged chunks of a run, by chunk index. */
  public List<StagedChunk> staged(String runId) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query =
              c.prepareStatement("SELECT * FROM staged_chunks WHERE run_id = ? ORDER BY chunk")) {
            query.setString(1, runId);
            List<StagedChunk> chunks = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
              while (rs.next()) {
                chunks.add(
                    new StagedChunk(
                        rs.getInt("chunk"),
                        rs.getLong("rows_out"),
                        rs.getLong("dead_letter_rows"),
                        rs.getString("files_json")));
              }
            }
            return chunks;
          }
        });
  }

  /** Forgets staged chunks whose files are gone (they run again). */
  public void unstage(String runId, List<Integer> chunks) {
    database.inTransaction(
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM staged_chunks WHERE run_id = ? AND chunk = ?")) {
            for (int chunk : chunks) {
              delete.setString(1, runId);
              delete.setInt(2, chunk);
              delete.addBatch();
            }
            delete.executeBatch();
          }
          return null;
        });
  }

  /** Locks the run row for this transaction if {@code epoch} still holds it. */
  private static boolean holds(Connection c, String runId, long epoch) throws SQLException {
    try (PreparedStatement check =
        c.prepareStatement("UPDATE runs SET epoch = epoch WHERE run_id = ? AND epoch = ?")) {
      check.setString(1, runId);
      check.setLong(2, epoch);
      return check.executeUpdate() == 1;
    }
  }

  private static Optional<PinnedInput> find(Connection c, String runId) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement("SELECT * FROM run_inputs WHERE run_id = ?")) {
      query.setString(1, runId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? Optional.of(pinnedInput(rs)) : Optional.empty();
      }
    }
  }

  private static PinnedInput pinnedInput(ResultSet rs) throws SQLException {
    return new PinnedInput(
        rs.getString("run_id"),
        rs.getString("job_key"),
        rs.getLong("input_version"),
        rs.getString("input_sha256"),
        rs.getString("plan_json"),
        rs.getLong("output_base_version"));
  }
}
