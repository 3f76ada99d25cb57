package io.lakebatch.catalog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pinned inputs and staged chunks on the catalog database ({@code run_inputs}, {@code
 * staged_chunks}); staging checks the run's epoch in the same transaction.
 */
public final class JdbcPinnedInputs implements PinnedInputs {
  private final CatalogDatabase database;
  private final Clock clock;

  public JdbcPinnedInputs(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
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
            insert.setObject(7, JdbcRunStore.timestamp(clock.instant()));
            insert.executeUpdate();
          }
          return pinned;
        });
  }

  @Override
  public Optional<PinnedInput> find(String runId) {
    return database.inTransaction(c -> find(c, runId));
  }

  @Override
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

  @Override
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
            insert.setObject(6, JdbcRunStore.timestamp(clock.instant()));
            insert.executeUpdate();
          }
          return true;
        });
  }

  @Override
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

  @Override
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
