package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs, their chunk ledger and their state history in the catalog database.
 *
 * <p>Every state change goes through {@link #transition}: it checks {@link RunState#canMoveTo} and
 * writes with a compare-and-set on the row version, so two processes moving one run at once cannot
 * both succeed from the same state. Progress is derived from the ledger (one row per chunk), so
 * concurrent chunk updates never overwrite each other's counts.
 */
public final class RunStore {
  private static final int MAX_CAS_ATTEMPTS = 20;
  private static final int MAX_TEXT = 4000;

  private final CatalogDatabase database;
  private final Clock clock;

  public RunStore(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * Records a run as QUEUED with a PENDING ledger row per planned chunk, or returns the existing
   * record when the run id is already known (a rerun of the same spec).
   */
  public RunRecord register(NewRun run) {
    return database.inTransaction(c -> {
      Optional<RunRecord> existing = find(c, run.runId());
      if (existing.isPresent()) {
        return existing.get();
      }
      Instant now = clock.instant();
      try (PreparedStatement insert = c.prepareStatement("""
          INSERT INTO runs (run_id, name, run_key, spec_hash, spec_text, model_uri, model_name, model_version,
            model_sha256, input_path, input_version, output_path, dead_letter_path, state, attempts, rows_total,
            chunks_total, rows_in_flight, batch_size, cancel_requested, created_at, updated_at, row_version)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, FALSE, ?, ?, 0)""")) {
        int i = 1;
        insert.setString(i++, run.runId());
        insert.setString(i++, run.name());
        insert.setString(i++, run.runKey());
        insert.setString(i++, run.specHash());
        insert.setString(i++, run.specText());
        insert.setString(i++, run.modelUri());
        insert.setString(i++, run.modelName().orElse(null));
        setNullableInt(insert, i++, run.modelVersion());
        insert.setString(i++, run.modelSha256());
        insert.setString(i++, run.inputPath());
        insert.setLong(i++, run.inputVersion());
        insert.setString(i++, run.outputPath());
        insert.setString(i++, run.deadLetterPath());
        insert.setString(i++, RunState.QUEUED.name());
        insert.setLong(i++, run.rowsTotal());
        insert.setInt(i++, run.chunkRows().size());
        insert.setInt(i++, run.batchSize());
        insert.setObject(i++, timestamp(now));
        insert.setObject(i, timestamp(now));
        insert.executeUpdate();
      }
      try (PreparedStatement chunk = c.prepareStatement("""
          INSERT INTO chunks (run_id, chunk, state, planned_rows, attempts, updated_at) VALUES (?, ?, ?, ?, 0, ?)""")) {
        for (int index = 0; index < run.chunkRows().size(); index++) {
          chunk.setString(1, run.runId());
          chunk.setInt(2, index);
          chunk.setString(3, ChunkState.PENDING.name());
          chunk.setLong(4, run.chunkRows().get(index));
          chunk.setObject(5, timestamp(now));
          chunk.addBatch();
        }
        chunk.executeBatch();
      }
      recordTransition(c, run.runId(), null, RunState.QUEUED, null, "registered", now);
      return find(c, run.runId()).orElseThrow();
    });
  }

  /**
   * Moves a run to {@code next} if its current state allows it, atomically.
   *
   * @param owner the process taking the run (PLANNING) or reporting on it; recorded in the history
   * @param detail why: an error summary for FAILED/PARTIAL, a note otherwise
   * @throws io.lakebatch.catalog.error.LakeBatchException when the move is not legal from the
   *     current state, including when another process moved the run first
   */
  public RunRecord transition(String runId, RunState next, Optional<RunOwner> owner, String detail) {
    for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      Optional<RunRecord> moved = database.inTransaction(c -> {
        RunRecord current = find(c, runId).orElseThrow(() -> LakeBatchErrors.runNotFound(runId));
        if (!current.state().canMoveTo(next)) {
          throw LakeBatchErrors.illegalTransition(runId, current.state(), next);
        }
        Instant now = clock.instant();
        String sql = switch (next) {
          case QUEUED -> "UPDATE runs SET state = ?, owner = NULL, cancel_requested = FALSE, rows_in_flight = 0,"
              + " finished_at = NULL, updated_at = ?, row_version = row_version + 1 WHERE run_id = ? AND row_version = ?";
          case PLANNING -> "UPDATE runs SET state = ?, owner = ?, attempts = attempts + 1, attempt_started_at = ?,"
              + " heartbeat_at = ?, error_summary = NULL, updated_at = ?, row_version = row_version + 1"
              + " WHERE run_id = ? AND row_version = ?";
          case RUNNING -> "UPDATE runs SET state = ?, heartbeat_at = ?, updated_at = ?, row_version = row_version + 1"
              + " WHERE run_id = ? AND row_version = ?";
          case SUCCEEDED, PARTIAL, FAILED, CANCELLED -> "UPDATE runs SET state = ?, error_summary = ?, rows_in_flight = 0,"
              + " finished_at = ?, updated_at = ?, row_version = row_version + 1 WHERE run_id = ? AND row_version = ?";
        };
        try (PreparedStatement update = c.prepareStatement(sql)) {
          int i = 1;
          update.setString(i++, next.name());
          switch (next) {
            case QUEUED -> update.setObject(i++, timestamp(now));
            case PLANNING -> {
              update.setString(i++, owner.map(RunOwner::toString).orElse(null));
              update.setObject(i++, timestamp(now));
              update.setObject(i++, timestamp(now));
              update.setObject(i++, timestamp(now));
            }
            case RUNNING -> {
              update.setObject(i++, timestamp(now));
              update.setObject(i++, timestamp(now));
            }
            default -> {
              update.setString(i++, next == RunState.SUCCEEDED ? null : truncate(detail));
              update.setObject(i++, timestamp(now));
              update.setObject(i++, timestamp(now));
            }
          }
          update.setString(i++, runId);
          update.setLong(i, current.rowVersion());
          if (update.executeUpdate() == 0) {
            return Optional.<RunRecord>empty();
          }
        }
        recordTransition(c, runId, current.state(), next, owner.map(RunOwner::toString).orElse(null), detail, now);
        return find(c, runId);
      });
      if (moved.isPresent()) {
        return moved.get();
      }
    }
    throw LakeBatchErrors.internal("run " + runId + " changed " + MAX_CAS_ATTEMPTS + " times while moving it to " + next,
        null);
  }

  /**
   * Asks a run to stop: a QUEUED one, or one whose driver is gone, is cancelled at once; a run held
   * by a live driver is flagged and stops at its next chunk boundary.
   */
  public RunRecord requestCancel(String runId) {
    for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      RunRecord run = get(runId);
      if (run.state() == RunState.QUEUED) {
        return transition(runId, RunState.CANCELLED, Optional.empty(), "cancelled before it started");
      }
      if (run.state().isTerminal()) {
        throw LakeBatchErrors.illegalTransition(runId, run.state(), RunState.CANCELLED);
      }
      boolean ownerGone = run.owner().flatMap(RunOwner::parse)
          .map(o -> !o.isAlive(run.heartbeatAt(), clock.instant())).orElse(true);
      if (ownerGone) {
        return transition(runId, RunState.CANCELLED, Optional.empty(),
            "cancelled; its driver " + run.owner().orElse("?") + " was gone");
      }
      boolean flagged = database.inTransaction(c -> {
        try (PreparedStatement update = c.prepareStatement("UPDATE runs SET cancel_requested = TRUE, updated_at = ?,"
            + " row_version = row_version + 1 WHERE run_id = ? AND row_version = ?")) {
          update.setObject(1, timestamp(clock.instant()));
          update.setString(2, runId);
          update.setLong(3, run.rowVersion());
          return update.executeUpdate() == 1;
        }
      });
      if (flagged) {
        return get(runId);
      }
    }
    throw LakeBatchErrors.internal("run " + runId + " changed " + MAX_CAS_ATTEMPTS + " times while cancelling it",
        null);
  }

  /** Records that the driver is alive and how many rows it has scored in uncommitted chunks. */
  public void heartbeat(String runId, long rowsInFlight) {
    database.inTransaction(c -> {
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE runs SET heartbeat_at = ?, rows_in_flight = ? WHERE run_id = ?")) {
        update.setObject(1, timestamp(clock.instant()));
        update.setLong(2, rowsInFlight);
        update.setString(3, runId);
        return update.executeUpdate();
      }
    });
  }

  public void setLogPath(String runId, String logPath) {
    database.inTransaction(c -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE runs SET log_path = ? WHERE run_id = ?")) {
        update.setString(1, logPath);
        update.setString(2, runId);
        return update.executeUpdate();
      }
    });
  }

  public void chunkStarted(String runId, int chunk) {
    chunkUpdate(runId, chunk, "state = 'RUNNING', attempts = attempts + 1", ps -> 1);
  }

  public void chunkCommitted(String runId, ChunkCommit commit) {
    Instant now = clock.instant();
    chunkUpdate(runId, commit.chunk(),
        "state = 'COMMITTED', rows_out = ?, dead_letter_rows = ?, delta_version = ?, committed_at = ?, last_error = NULL",
        ps -> {
          ps.setLong(1, commit.rowsOut());
          ps.setLong(2, commit.deadLetterRows());
          ps.setLong(3, commit.deltaVersion());
          ps.setObject(4, timestamp(now));
          return 5;
        });
  }

  public void chunkFailed(String runId, int chunk, String error) {
    chunkUpdate(runId, chunk, "state = 'FAILED', last_error = ?", ps -> {
      ps.setString(1, truncate(error));
      return 2;
    });
  }

  /**
   * Makes the ledger agree with the output table's Delta log, the source of truth: chunks found in
   * the log become COMMITTED with their table version; ledger rows claiming a commit the log does
   * not have, and rows left RUNNING or FAILED by an earlier attempt, go back to PENDING.
   *
   * @return how many ledger rows changed
   */
  public int reconcile(String runId, Collection<ChunkCommit> inDeltaLog) {
    Map<Integer, ChunkCommit> committed = new HashMap<>();
    inDeltaLog.forEach(c -> committed.put(c.chunk(), c));
    List<ChunkRecord> ledger = chunks(runId);
    int changed = 0;
    for (ChunkRecord row : ledger) {
      ChunkCommit commit = committed.get(row.chunk());
      if (commit != null) {
        boolean agrees = row.state() == ChunkState.COMMITTED
            && row.deltaVersion().equals(Optional.of(commit.deltaVersion()));
        if (!agrees) {
          chunkCommitted(runId, commit);
          changed++;
        }
      } else if (row.state() != ChunkState.PENDING) {
        chunkUpdate(runId, row.chunk(), "state = 'PENDING', rows_out = NULL, dead_letter_rows = NULL,"
            + " delta_version = NULL, committed_at = NULL", ps -> 1);
        changed++;
      }
    }
    return changed;
  }

  /** Deletes a run's ledger rows (they are rebuilt from the Delta log by {@link #restoreLedger}). */
  public int deleteLedger(String runId) {
    return database.inTransaction(c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM chunks WHERE run_id = ?")) {
        delete.setString(1, runId);
        return delete.executeUpdate();
      }
    });
  }

  /** Re-creates missing ledger rows as PENDING, with their planned rows; returns how many it added. */
  public int restoreLedger(String runId, List<Long> chunkRows) {
    return database.inTransaction(c -> {
      List<Integer> present = new ArrayList<>();
      try (PreparedStatement query = c.prepareStatement("SELECT chunk FROM chunks WHERE run_id = ?")) {
        query.setString(1, runId);
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            present.add(rs.getInt(1));
          }
        }
      }
      int added = 0;
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO chunks (run_id, chunk, state, planned_rows, attempts, updated_at) VALUES (?, ?, 'PENDING', ?, 0, ?)")) {
        for (int index = 0; index < chunkRows.size(); index++) {
          if (!present.contains(index)) {
            insert.setString(1, runId);
            insert.setInt(2, index);
            insert.setLong(3, chunkRows.get(index));
            insert.setObject(4, timestamp(clock.instant()));
            insert.addBatch();
            added++;
          }
        }
        insert.executeBatch();
      }
      return added;
    });
  }

  public Optional<RunRecord> find(String runId) {
    return database.inTransaction(c -> find(c, runId));
  }

  public RunRecord get(String runId) {
    return find(runId).orElseThrow(() -> LakeBatchErrors.runNotFound(runId));
  }

  /** Runs, newest first. */
  public List<RunRecord> list(RunFilter filter) {
    return database.inTransaction(c -> {
      StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
      filter.state().ifPresent(s -> sql.append(" AND state = ?"));
      filter.nameContains().ifPresent(n -> sql.append(" AND name LIKE ? ESCAPE '\\'"));
      sql.append(" ORDER BY created_at DESC, run_id LIMIT ?");
      try (PreparedStatement query = c.prepareStatement(sql.toString())) {
        int i = 1;
        if (filter.state().isPresent()) {
          query.setString(i++, filter.state().get().name());
        }
        if (filter.nameContains().isPresent()) {
          String literal = filter.nameContains().get().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
          query.setString(i++, "%" + literal + "%");
        }
        query.setInt(i, filter.limit());
        List<RunRecord> runs = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            runs.add(runRecord(rs));
          }
        }
        return runs;
      }
    });
  }

  /** The ledger of a run, by chunk index. */
  public List<ChunkRecord> chunks(String runId) {
    return database.inTransaction(c -> {
      try (PreparedStatement query = c.prepareStatement("SELECT * FROM chunks WHERE run_id = ? ORDER BY chunk")) {
        query.setString(1, runId);
        List<ChunkRecord> chunks = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            chunks.add(new ChunkRecord(rs.getString("run_id"), rs.getInt("chunk"),
                ChunkState.valueOf(rs.getString("state")), rs.getLong("planned_rows"), optionalLong(rs, "rows_out"),
                optionalLong(rs, "dead_letter_rows"), rs.getInt("attempts"), optionalLong(rs, "delta_version"),
                Optional.ofNullable(rs.getString("last_error")), instant(rs, "committed_at"),
                instant(rs, "updated_at").orElseThrow()));
          }
        }
        return chunks;
      }
    });
  }

  /** The state changes of a run, oldest first, as {@code FROM -> TO (detail)}. */
  public List<String> history(String runId) {
    return database.inTransaction(c -> {
      try (PreparedStatement query = c.prepareStatement(
          "SELECT from_state, to_state, at, owner, detail FROM run_transitions WHERE run_id = ? ORDER BY id")) {
        query.setString(1, runId);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            lines.add(String.format("%s %s -> %s%s%s", instant(rs, "at").orElseThrow(),
                Optional.ofNullable(rs.getString("from_state")).orElse("(new)"), rs.getString("to_state"),
                rs.getString("owner") == null ? "" : " by " + rs.getString("owner"),
                rs.getString("detail") == null ? "" : ": " + rs.getString("detail")));
          }
        }
        return lines;
      }
    });
  }

  public RunProgress progress(String runId) {
    return RunProgress.of(get(runId), chunks(runId), clock.instant());
  }

  private interface Binder {
    int bind(PreparedStatement statement) throws SQLException;
  }

  private void chunkUpdate(String runId, int chunk, String assignments, Binder binder) {
    database.inTransaction(c -> {
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE chunks SET " + assignments + ", updated_at = ? WHERE run_id = ? AND chunk = ?")) {
        int next = binder.bind(update);
        update.setObject(next, timestamp(clock.instant()));
        update.setString(next + 1, runId);
        update.setInt(next + 2, chunk);
        if (update.executeUpdate() != 1) {
          throw LakeBatchErrors.internal("no ledger row for chunk " + chunk + " of run " + runId, null);
        }
        return null;
      }
    });
  }

  private static void recordTransition(Connection c, String runId, RunState from, RunState to, String owner,
      String detail, Instant at) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO run_transitions (run_id, from_state, to_state, at, owner, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, runId);
      insert.setString(2, from == null ? null : from.name());
      insert.setString(3, to.name());
      insert.setObject(4, timestamp(at));
      insert.setString(5, owner);
      insert.setString(6, truncate(detail));
      insert.executeUpdate();
    }
  }

  private static Optional<RunRecord> find(Connection c, String runId) throws SQLException {
    try (PreparedStatement query = c.prepareStatement("SELECT * FROM runs WHERE run_id = ?")) {
      query.setString(1, runId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? Optional.of(runRecord(rs)) : Optional.empty();
      }
    }
  }

  private static RunRecord runRecord(ResultSet rs) throws SQLException {
    int modelVersion = rs.getInt("model_version");
    Optional<Integer> version = rs.wasNull() ? Optional.empty() : Optional.of(modelVersion);
    return new RunRecord(
        rs.getString("run_id"),
        rs.getString("name"),
        rs.getString("run_key"),
        rs.getString("spec_hash"),
        rs.getString("spec_text"),
        rs.getString("model_uri"),
        Optional.ofNullable(rs.getString("model_name")),
        version,
        rs.getString("model_sha256"),
        rs.getString("input_path"),
        rs.getLong("input_version"),
        rs.getString("output_path"),
        rs.getString("dead_letter_path"),
        RunState.valueOf(rs.getString("state")),
        rs.getInt("attempts"),
        rs.getLong("rows_total"),
        rs.getInt("chunks_total"),
        rs.getLong("rows_in_flight"),
        rs.getInt("batch_size"),
        Optional.ofNullable(rs.getString("error_summary")),
        Optional.ofNullable(rs.getString("log_path")),
        Optional.ofNullable(rs.getString("owner")),
        rs.getBoolean("cancel_requested"),
        instant(rs, "created_at").orElseThrow(),
        instant(rs, "updated_at").orElseThrow(),
        instant(rs, "attempt_started_at"),
        instant(rs, "finished_at"),
        instant(rs, "heartbeat_at"),
        rs.getLong("row_version"));
  }

  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return Optional.ofNullable(value).map(OffsetDateTime::toInstant);
  }

  private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(value);
  }

  private static void setNullableInt(PreparedStatement statement, int index, Optional<Integer> value)
      throws SQLException {
    if (value.isPresent()) {
      statement.setInt(index, value.get());
    } else {
      statement.setNull(index, Types.INTEGER);
    }
  }

  private static String truncate(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
  }
}
