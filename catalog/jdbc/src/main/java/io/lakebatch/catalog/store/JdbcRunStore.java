package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
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
 * The run store on the catalog database: runs, chunks and run_transitions rows, each call one short
 * transaction ({@link CatalogDatabase#inTransaction}). A take or a cancel is a compare-and-set on
 * the run's row version and heartbeat as read; a write under a lease first locks the run's row for
 * its epoch ({@code UPDATE ... WHERE epoch = ?}), so a take cannot commit in between. Heartbeats
 * are stamped with the database's {@code CURRENT_TIMESTAMP}.
 */
public final class JdbcRunStore implements RunStore {
  private static final int MAX_CAS_ATTEMPTS = 20;
  private static final int MAX_TEXT = 4000;

  private final CatalogDatabase database;
  private final Clock clock;

  public JdbcRunStore(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public RunRecord register(NewRun run) {
    return database.inTransaction(
        c -> {
          Optional<RunRecord> existing = find(c, run.runId());
          if (existing.isPresent()) {
            return existing.get();
          }
          Instant now = clock.instant();
          try (PreparedStatement insert =
              c.prepareStatement(
                  """
          INSERT INTO runs (run_id, name, run_key, spec_hash, spec_text, model_uri, model_name, model_version,
            model_sha256, input_path, input_version, output_path, dead_letter_path, state, attempts, rows_total,
            chunks_total, rows_in_flight, batch_size, cancel_requested, created_at, updated_at, row_version, epoch)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, FALSE, ?, ?, 0, 0)""")) {
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
          try (PreparedStatement chunk =
              c.prepareStatement(
                  """
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
          recordTransition(
              c, new Transition(run.runId(), null, RunState.QUEUED, null, null, "registered"), now);
          return find(c, run.runId()).orElseThrow();
        });
  }

  // ---------------------------------------------------------------- taking a run

  @Override
  public RunLease take(
      String runId, RunOwner owner, Duration livenessTimeout, Runnable beforeSwap) {
    for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      Observed seen = observe(runId);
      List<Transition> moves = movesToTake(seen, owner, livenessTimeout);
      beforeSwap.run();
      Optional<RunLease> lease = database.inTransaction(c -> swapIn(c, seen.run(), owner, moves));
      if (lease.isPresent()) {
        return lease.get();
      }
    }
    throw LakeBatchErrors.internal(
        "run " + runId + " changed " + MAX_CAS_ATTEMPTS + " times while taking it", null);
  }

  private static List<Transition> movesToTake(
      Observed seen, RunOwner owner, Duration livenessTimeout) {
    RunRecord run = seen.run();
    long epoch = run.epoch() + 1;
    Transition plan =
        new Transition(
            run.runId(),
            RunState.QUEUED,
            RunState.PLANNING,
            owner.toString(),
            epoch,
            "attempt " + (run.attempts() + 1));
    String why =
        switch (run.state()) {
          case QUEUED -> null;
          case SUCCEEDED, PARTIAL, FAILED, CANCELLED -> "rerun after " + run.state();
          case PLANNING, RUNNING ->
              seen.holderGone(livenessTimeout)
                  .map(
                      reason ->
                          "driver "
                              + run.owner().orElse("?")
                              + " is gone ("
                              + reason
                              + "); resuming")
                  .orElseThrow(
                      () ->
                          LakeBatchErrors.runBusy(run.runId(), run.state(), seen.describeHolder()));
        };
    return why == null
        ? List.of(plan)
        : List.of(
            new Transition(run.runId(), run.state(), RunState.QUEUED, owner.toString(), epoch, why),
            plan);
  }

  private Optional<RunLease> swapIn(
      Connection c, RunRecord read, RunOwner owner, List<Transition> moves) throws SQLException {
    long epoch = read.epoch() + 1;
    Instant now = clock.instant();
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE runs SET state = ?, epoch = ?, owner = ?,"
                + " attempts = attempts + 1, attempt_started_at = ?, heartbeat_at = CURRENT_TIMESTAMP, rows_in_flight = 0,"
                + " cancel_requested = FALSE, error_summary = NULL, finished_at = NULL, updated_at = ?,"
                + " row_version = row_version + 1 WHERE "
                + unchangedSince(read))) {
      update.setString(1, RunState.PLANNING.name());
      update.setLong(2, epoch);
      update.setString(3, owner.toString());
      update.setObject(4, timestamp(now));
      update.setObject(5, timestamp(now));
      bindUnchangedSince(update, 6, read);
      if (update.executeUpdate() == 0) {
        return Optional.empty();
      }
    }
    for (Transition move : moves) {
      recordTransition(c, move, now);
    }
    return Optional.of(new RunLease(read.runId(), epoch, owner));
  }

  // ---------------------------------------------------------------- writes of the driver holding a
  // lease

  @Override
  public RunRecord transition(RunLease lease, RunState next, String detail) {
    if (next == RunState.PLANNING) {
      throw new IllegalArgumentException(
          "a run moves to PLANNING only by take, not by its lease " + lease);
    }
    return database.inTransaction(
        c -> {
          lock(c, lease);
          RunRecord current = find(c, lease.runId()).orElseThrow();
          if (!current.state().canMoveTo(next)) {
            throw LakeBatchErrors.illegalTransition(lease.runId(), current.state(), next);
          }
          Instant now = clock.instant();
          String assignments =
              switch (next) {
                case QUEUED ->
                    "owner = NULL, epoch = epoch + 1, cancel_requested = FALSE, rows_in_flight = 0";
                case RUNNING -> "heartbeat_at = CURRENT_TIMESTAMP";
                default -> "error_summary = ?, rows_in_flight = 0, finished_at = ?";
              };
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE runs SET state = ?, "
                      + assignments
                      + ", updated_at = ?, row_version = row_version + 1 WHERE run_id = ?")) {
            int i = 1;
            update.setString(i++, next.name());
            if (next.isTerminal()) {
              update.setString(i++, next == RunState.SUCCEEDED ? null : truncate(detail));
              update.setObject(i++, timestamp(now));
            }
            update.setObject(i++, timestamp(now));
            update.setString(i, lease.runId());
            update.executeUpdate();
          }
          recordTransition(
              c,
              new Transition(
                  lease.runId(),
                  current.state(),
                  next,
                  lease.owner().toString(),
                  lease.epoch(),
                  detail),
              now);
          return find(c, lease.runId()).orElseThrow();
        });
  }

  @Override
  public void heartbeat(RunLease lease, long rowsInFlight) {
    database.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE runs SET heartbeat_at = CURRENT_TIMESTAMP, rows_in_flight = ? WHERE run_id = ? AND epoch = ?")) {
            update.setLong(1, rowsInFlight);
            update.setString(2, lease.runId());
            update.setLong(3, lease.epoch());
            if (update.executeUpdate() == 0) {
              throw fenced(c, lease);
            }
            return null;
          }
        });
  }

  @Override
  public void checkLease(RunLease lease) {
    database.inTransaction(
        c -> {
          RunRecord current =
              find(c, lease.runId()).orElseThrow(() -> LakeBatchErrors.runNotFound(lease.runId()));
          if (current.epoch() != lease.epoch()) {
            throw fenced(lease, current);
          }
          return null;
        });
  }

  @Override
  public void setLogPath(RunLease lease, String logPath) {
    database.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement("UPDATE runs SET log_path = ? WHERE run_id = ? AND epoch = ?")) {
            update.setString(1, logPath);
            update.setString(2, lease.runId());
            update.setLong(3, lease.epoch());
            if (update.executeUpdate() == 0) {
              throw fenced(c, lease);
            }
            return null;
          }
        });
  }

  @Override
  public void chunkStarted(RunLease lease, int chunk) {
    holding(
        lease,
        c ->
            chunkUpdate(
                c, lease.runId(), chunk, "state = 'RUNNING', attempts = attempts + 1", ps -> 1));
  }

  @Override
  public void chunkCommitted(RunLease lease, ChunkCommit commit) {
    holding(lease, c -> commitChunk(c, lease.runId(), commit));
  }

  @Override
  public void chunkFailed(RunLease lease, int chunk, String error) {
    holding(
        lease,
        c ->
            chunkUpdate(
                c,
                lease.runId(),
                chunk,
                "state = 'FAILED', last_error = ?",
                ps -> {
                  ps.setString(1, truncate(error));
                  return 2;
                }));
  }

  @Override
  public int reconcile(RunLease lease, Collection<ChunkCommit> inDeltaLog) {
    Map<Integer, ChunkCommit> committed = new HashMap<>();
    inDeltaLog.forEach(c -> committed.put(c.chunk(), c));
    return holding(
        lease,
        c -> {
          int changed = 0;
          for (ChunkRecord row : chunks(c, lease.runId())) {
            ChunkCommit commit = committed.get(row.chunk());
            if (commit != null) {
              boolean agrees =
                  row.state() == ChunkState.COMMITTED
                      && row.deltaVersion().equals(Optional.of(commit.deltaVersion()));
              if (!agrees) {
                commitChunk(c, lease.runId(), commit);
                changed++;
              }
            } else if (row.state() != ChunkState.PENDING) {
              chunkUpdate(
                  c,
                  lease.runId(),
                  row.chunk(),
                  "state = 'PENDING', rows_out = NULL, dead_letter_rows = NULL,"
                      + " delta_version = NULL, committed_at = NULL",
                  ps -> 1);
              changed++;
            }
          }
          return changed;
        });
  }

  @Override
  public int restoreLedger(RunLease lease, List<Long> chunkRows) {
    return holding(
        lease,
        c -> {
          List<Integer> present = new ArrayList<>();
          try (PreparedStatement query =
              c.prepareStatement("SELECT chunk FROM chunks WHERE run_id = ?")) {
            query.setString(1, lease.runId());
            try (ResultSet rs = query.executeQuery()) {
              while (rs.next()) {
                present.add(rs.getInt(1));
              }
            }
          }
          int added = 0;
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO chunks (run_id, chunk, state, planned_rows, attempts, updated_at) VALUES (?, ?, 'PENDING', ?, 0, ?)")) {
            for (int index = 0; index < chunkRows.size(); index++) {
              if (!present.contains(index)) {
                insert.setString(1, lease.runId());
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

  // ---------------------------------------------------------------- writes of other processes

  @Override
  public RunRecord requestCancel(String runId, Duration livenessTimeout) {
    for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      Observed seen = observe(runId);
      RunRecord run = seen.run();
      if (run.state().isTerminal()) {
        throw LakeBatchErrors.illegalTransition(runId, run.state(), RunState.CANCELLED);
      }
      Optional<String> cancelNow =
          run.state() == RunState.QUEUED
              ? Optional.of("cancelled before it started")
              : seen.holderGone(livenessTimeout)
                  .map(
                      reason ->
                          "cancelled; its driver "
                              + run.owner().orElse("?")
                              + " was gone ("
                              + reason
                              + ")");
      Optional<RunRecord> changed =
          database.inTransaction(
              c -> cancelNow.isPresent() ? cancelNow(c, run, cancelNow.get()) : flagCancel(c, run));
      if (changed.isPresent()) {
        return changed.get();
      }
    }
    throw LakeBatchErrors.internal(
        "run " + runId + " changed " + MAX_CAS_ATTEMPTS + " times while cancelling it", null);
  }

  private Optional<RunRecord> cancelNow(Connection c, RunRecord read, String detail)
      throws SQLException {
    Instant now = clock.instant();
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE runs SET state = ?, epoch = ?, owner = NULL,"
                + " error_summary = ?, rows_in_flight = 0, finished_at = ?, updated_at = ?, row_version = row_version + 1"
                + " WHERE "
                + unchangedSince(read))) {
      update.setString(1, RunState.CANCELLED.name());
      update.setLong(2, read.epoch() + 1);
      update.setString(3, truncate(detail));
      update.setObject(4, timestamp(now));
      update.setObject(5, timestamp(now));
      bindUnchangedSince(update, 6, read);
      if (update.executeUpdate() == 0) {
        return Optional.empty();
      }
    }
    recordTransition(
        c,
        new Transition(
            read.runId(), read.state(), RunState.CANCELLED, null, read.epoch() + 1, detail),
        now);
    return find(c, read.runId());
  }

  private Optional<RunRecord> flagCancel(Connection c, RunRecord read) throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE runs SET cancel_requested = TRUE, updated_at = ?,"
                + " row_version = row_version + 1 WHERE "
                + unchangedSince(read))) {
      update.setObject(1, timestamp(clock.instant()));
      bindUnchangedSince(update, 2, read);
      return update.executeUpdate() == 0 ? Optional.empty() : find(c, read.runId());
    }
  }

  @Override
  public int deleteLedger(String runId) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM chunks WHERE run_id = ?")) {
            delete.setString(1, runId);
            return delete.executeUpdate();
          }
        });
  }

  // ---------------------------------------------------------------- reads

  @Override
  public boolean knowsTable(String location) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query =
              c.prepareStatement(
                  "SELECT 1 FROM runs WHERE output_path = ? OR dead_letter_path = ? LIMIT 1")) {
            query.setString(1, location);
            query.setString(2, location);
            try (ResultSet rs = query.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    return database.inTransaction(c -> find(c, runId));
  }

  @Override
  public RunRecord get(String runId) {
    return find(runId).orElseThrow(() -> LakeBatchErrors.runNotFound(runId));
  }

  @Override
  public List<RunRecord> list(RunFilter filter) {
    return database.inTransaction(
        c -> {
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
              query.setString(i++, containsPattern(filter.nameContains().get()));
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

  @Override
  public List<ChunkRecord> chunks(String runId) {
    return database.inTransaction(c -> chunks(c, runId));
  }

  @Override
  public List<String> history(String runId) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query =
              c.prepareStatement(
                  "SELECT from_state, to_state, at, owner, epoch, detail FROM run_transitions WHERE run_id = ? ORDER BY id")) {
            query.setString(1, runId);
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
              while (rs.next()) {
                Optional<Long> epoch = optionalLong(rs, "epoch");
                lines.add(
                    String.format(
                        "%s %s -> %s%s%s%s",
                        instant(rs, "at").orElseThrow(),
                        Optional.ofNullable(rs.getString("from_state")).orElse("(new)"),
                        rs.getString("to_state"),
                        rs.getString("owner") == null ? "" : " by " + rs.getString("owner"),
                        epoch.map(e -> " epoch " + e).orElse(""),
                        rs.getString("detail") == null ? "" : ": " + rs.getString("detail")));
              }
            }
            return lines;
          }
        });
  }

  @Override
  public RunProgress progress(String runId) {
    return RunProgress.of(get(runId), chunks(runId), clock.instant());
  }

  // ---------------------------------------------------------------- internals

  /** A run as read, with the database's time of the read. */
  private record Observed(RunRecord run, Instant databaseNow) {
    Optional<Duration> heartbeatAge() {
      return run.heartbeatAt().map(at -> Duration.between(at, databaseNow));
    }

    /** Why the run's driver no longer holds it, or empty while it may. */
    Optional<String> holderGone(Duration livenessTimeout) {
      Optional<RunOwner> holder = run.owner().flatMap(RunOwner::parse);
      if (holder.isEmpty()) {
        return Optional.of("no driver is recorded as its owner");
      }
      return holder.get().goneReason(heartbeatAge(), livenessTimeout);
    }

    String describeHolder() {
      return run.owner().orElse("?")
          + heartbeatAge().map(a -> " (heartbeat " + a.toSeconds() + " s old)").orElse("");
    }
  }

  /** One row of the history. {@code owner} and {@code epoch} may be null. */
  private record Transition(
      String runId, RunState from, RunState to, String owner, Long epoch, String detail) {}

  private Observed observe(String runId) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query =
              c.prepareStatement(
                  "SELECT r.*, CURRENT_TIMESTAMP AS database_now FROM runs r WHERE r.run_id = ?")) {
            query.setString(1, runId);
            try (ResultSet rs = query.executeQuery()) {
              if (!rs.next()) {
                throw LakeBatchErrors.runNotFound(runId);
              }
              return new Observed(runRecord(rs), instant(rs, "database_now").orElseThrow());
            }
          }
        });
  }

  /**
   * The condition of a compare-and-set on a run as read: its row version (moved by every change of
   * state, owner or epoch) and its heartbeat (which moves without it).
   */
  private static String unchangedSince(RunRecord read) {
    return "run_id = ? AND row_version = ? AND heartbeat_at "
        + (read.heartbeatAt().isPresent() ? "= ?" : "IS NULL");
  }

  private static void bindUnchangedSince(PreparedStatement statement, int first, RunRecord read)
      throws SQLException {
    statement.setString(first, read.runId());
    statement.setLong(first + 1, read.rowVersion());
    if (read.heartbeatAt().isPresent()) {
      statement.setObject(first + 2, timestamp(read.heartbeatAt().get()));
    }
  }

  /**
   * Runs {@code work} in one transaction that holds the run's row for {@code lease}, or throws
   * runFenced.
   */
  private <T> T holding(RunLease lease, CatalogDatabase.Work<T> work) {
    return database.inTransaction(
        c -> {
          lock(c, lease);
          return work.run(c);
        });
  }

  /**
   * Locks the run's row until the transaction ends if {@code lease} still holds it, so a take
   * cannot commit in between; throws runFenced otherwise.
   */
  private static void lock(Connection c, RunLease lease) throws SQLException {
    try (PreparedStatement lock =
        c.prepareStatement("UPDATE runs SET epoch = epoch WHERE run_id = ? AND epoch = ?")) {
      lock.setString(1, lease.runId());
      lock.setLong(2, lease.epoch());
      if (lock.executeUpdate() == 0) {
        throw fenced(c, lease);
      }
    }
  }

  private static LakeBatchException fenced(Connection c, RunLease lease) throws SQLException {
    return fenced(
        lease,
        find(c, lease.runId()).orElseThrow(() -> LakeBatchErrors.runNotFound(lease.runId())));
  }

  private static LakeBatchException fenced(RunLease lease, RunRecord current) {
    return LakeBatchErrors.runFenced(
        lease.runId(),
        lease.epoch(),
        current.epoch(),
        current.owner().orElse("no driver (the run is " + current.state() + ")"));
  }

  private interface Binder {
    int bind(PreparedStatement statement) throws SQLException;
  }

  private Integer commitChunk(Connection c, String runId, ChunkCommit commit) throws SQLException {
    Instant now = clock.instant();
    return chunkUpdate(
        c,
        runId,
        commit.chunk(),
        "state = 'COMMITTED', rows_out = ?, dead_letter_rows = ?, delta_version = ?, committed_at = ?, last_error = NULL",
        ps -> {
          ps.setLong(1, commit.rowsOut());
          ps.setLong(2, commit.deadLetterRows());
          ps.setLong(3, commit.deltaVersion());
          ps.setObject(4, timestamp(now));
          return 5;
        });
  }

  private Integer chunkUpdate(
      Connection c, String runId, int chunk, String assignments, Binder binder)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE chunks SET "
                + assignments
                + ", updated_at = ? WHERE run_id = ? AND chunk = ?")) {
      int next = binder.bind(update);
      update.setObject(next, timestamp(clock.instant()));
      update.setString(next + 1, runId);
      update.setInt(next + 2, chunk);
      if (update.executeUpdate() != 1) {
        throw LakeBatchErrors.internal(
            "no ledger row for chunk " + chunk + " of run " + runId, null);
      }
      return 1;
    }
  }

  private static List<ChunkRecord> chunks(Connection c, String runId) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement("SELECT * FROM chunks WHERE run_id = ? ORDER BY chunk")) {
      query.setString(1, runId);
      List<ChunkRecord> chunks = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          chunks.add(
              new ChunkRecord(
                  rs.getString("run_id"),
                  rs.getInt("chunk"),
                  ChunkState.valueOf(rs.getString("state")),
                  rs.getLong("planned_rows"),
                  optionalLong(rs, "rows_out"),
                  optionalLong(rs, "dead_letter_rows"),
                  rs.getInt("attempts"),
                  optionalLong(rs, "delta_version"),
                  Optional.ofNullable(rs.getString("last_error")),
                  instant(rs, "committed_at"),
                  instant(rs, "updated_at").orElseThrow()));
        }
      }
      return chunks;
    }
  }

  private static void recordTransition(Connection c, Transition move, Instant at)
      throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO run_transitions"
                + " (run_id, from_state, to_state, at, owner, epoch, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, move.runId());
      insert.setString(2, move.from() == null ? null : move.from().name());
      insert.setString(3, move.to().name());
      insert.setObject(4, timestamp(at));
      insert.setString(5, move.owner());
      if (move.epoch() == null) {
        insert.setNull(6, Types.BIGINT);
      } else {
        insert.setLong(6, move.epoch());
      }
      insert.setString(7, truncate(move.detail()));
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
        rs.getLong("epoch"),
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

  private static void setNullableInt(
      PreparedStatement statement, int index, Optional<Integer> value) throws SQLException {
    if (value.isPresent()) {
      statement.setInt(index, value.get());
    } else {
      statement.setNull(index, Types.INTEGER);
    }
  }

  /** A {@code LIKE ? ESCAPE '\'} pattern matching names that contain {@code text} literally. */
  static String containsPattern(String text) {
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  /** Text clipped to what the catalog's message columns hold. */
  static String truncate(String text) {
    return text == null || text.length() <= MAX_TEXT
        ? text
        : text.substring(0, MAX_TEXT - 3) + "...";
  }
}
