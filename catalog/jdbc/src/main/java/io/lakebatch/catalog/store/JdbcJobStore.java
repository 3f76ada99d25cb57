package io.lakebatch.catalog.store;

import static io.lakebatch.catalog.store.JdbcRunStore.instant;
import static io.lakebatch.catalog.store.JdbcRunStore.timestamp;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.jobs.JobFilter;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.Leadership;
import io.lakebatch.catalog.jobs.NewJob;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.jobs.Submission;
import io.lakebatch.catalog.spec.ExecutionMode;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job server's queue in table {@code server_jobs}. Every change of state is one compare-and-set
 * on the state read, so two servers never both start, finish or requeue a job. Leases are stamped
 * with the database's {@code CURRENT_TIMESTAMP} and aged against it.
 */
final class JdbcJobStore implements JobStore {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CatalogDatabase database;
  private final Clock clock;

  JdbcJobStore(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public Submission submit(NewJob job) {
    if (job.idempotencyKey().isPresent()) {
      Optional<Submission> earlier = earlier(job);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    String id = ServerJob.id(bytes(8));
    try {
      database.inTransaction(
          c -> {
            try (PreparedStatement insert =
                c.prepareStatement(
                    """
                    INSERT INTO server_jobs (id, tenant, name, idempotency_key, body_sha256, spec_text,
                      priority, cores, execution_mode, depends_on, state, attempts,
                      cancel_requested, submitted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', 0, FALSE, ?)""")) {
              insert.setString(1, id);
              insert.setString(2, job.tenant());
              insert.setString(3, job.name());
              insert.setString(4, job.idempotencyKey().orElse(null));
              insert.setString(5, job.bodySha256());
              insert.setString(6, job.specText());
              insert.setString(7, job.priority());
              insert.setInt(8, job.cores());
              insert.setString(9, job.executionMode().spelling());
              insert.setString(
                  10, job.dependsOn().isEmpty() ? null : String.join("\n", job.dependsOn()));
              insert.setObject(11, timestamp(clock.instant()));
              insert.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      boolean lostRace =
          e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState());
      if (lostRace && job.idempotencyKey().isPresent()) {
        // another submission with the same key committed first: answer as it was answered
        return earlier(job).orElseThrow(() -> e);
      }
      throw e;
    }
    return new Submission(get(id).orElseThrow(), true);
  }

  /** The tenant's job with this submission's key, judged against its body. */
  private Optional<Submission> earlier(NewJob job) {
    Optional<ServerJob> found = byIdempotencyKey(job.tenant(), job.idempotencyKey().orElseThrow());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    if (!found.get().bodySha256().equals(job.bodySha256())) {
      throw LakeBatchErrors.idempotencyKeyReused(
          job.idempotencyKey().orElseThrow(), found.get().id());
    }
    return Optional.of(new Submission(found.get(), false));
  }

  @Override
  public Optional<ServerJob> get(String id) {
    return one("SELECT * FROM server_jobs WHERE id = ?", id);
  }

  @Override
  public Optional<ServerJob> byIdempotencyKey(String tenant, String key) {
    return one("SELECT * FROM server_jobs WHERE tenant = ? AND idempotency_key = ?", tenant, key);
  }

  @Override
  public List<ServerJob> list(JobFilter filter) {
    StringBuilder sql = new StringBuilder("SELECT * FROM server_jobs WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    filter
        .state()
        .ifPresent(
            s -> {
              sql.append(" AND state = ?");
              args.add(s.name());
            });
    filter
        .tenant()
        .ifPresent(
            t -> {
              sql.append(" AND tenant = ?");
              args.add(t);
            });
    filter
        .nameContains()
        .ifPresent(
            n -> {
              sql.append(" AND name LIKE ? ESCAPE '\\'");
              args.add(JdbcRunStore.containsPattern(n));
            });
    if (filter.before().isPresent()) {
      sql.append(" AND seq < ?");
      args.add(filter.before().getAsLong());
    }
    sql.append(" ORDER BY seq DESC LIMIT ").append(filter.limit());
    return many(sql.toString(), args.toArray());
  }

  @Override
  public List<ServerJob> queued() {
    return many("SELECT * FROM server_jobs WHERE state = 'QUEUED' ORDER BY seq");
  }

  @Override
  public List<ServerJob> running() {
    return many("SELECT * FROM server_jobs WHERE state = 'RUNNING' ORDER BY seq");
  }

  @Override
  public Leadership lead(String owner, Duration leaseTimeout) {
    if (update(RENEW, owner) == 1) {
      return leadership();
    }
    Optional<Long> lapsedEpoch =
        database.inTransaction(
            c -> {
              try (PreparedStatement query =
                      c.prepareStatement(
                          "SELECT owner, epoch, renewed_at, CURRENT_TIMESTAMP AS database_now"
                              + " FROM server_leader WHERE name = 'dispatcher'");
                  ResultSet rs = query.executeQuery()) {
                rs.next();
                Optional<Instant> renewed = instant(rs, "renewed_at");
                boolean lapsed =
                    rs.getString("owner") == null
                        || renewed.isEmpty()
                        || Duration.between(
                                    renewed.get(), instant(rs, "database_now").orElseThrow())
                                .compareTo(leaseTimeout)
                            >= 0;
                return lapsed ? Optional.of(rs.getLong("epoch")) : Optional.<Long>empty();
              }
            });
    if (lapsedEpoch.isPresent()) {
      // compare-and-set on the epoch read: of two standbys taking over, one wins
      update(
          """
          UPDATE server_leader SET owner = ?, epoch = epoch + 1, renewed_at = CURRENT_TIMESTAMP
          WHERE name = 'dispatcher' AND epoch = ?""",
          owner,
          lapsedEpoch.get());
    }
    return leadership();
  }

  private static final String RENEW =
      "UPDATE server_leader SET renewed_at = CURRENT_TIMESTAMP"
          + " WHERE name = 'dispatcher' AND owner = ?";

  private Leadership leadership() {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query =
                  c.prepareStatement(
                      "SELECT owner, epoch FROM server_leader WHERE name = 'dispatcher'");
              ResultSet rs = query.executeQuery()) {
            rs.next();
            return new Leadership(Optional.ofNullable(rs.getString("owner")), rs.getLong("epoch"));
          }
        });
  }

  @Override
  public void resign(String owner) {
    update(
        "UPDATE server_leader SET owner = NULL, renewed_at = NULL"
            + " WHERE name = 'dispatcher' AND owner = ?",
        owner);
  }

  @Override
  public boolean claim(String id, String owner, long epoch) {
    return update(
            """
            UPDATE server_jobs SET state = 'RUNNING', owner = ?, lease_at = CURRENT_TIMESTAMP,
              started_at = ?, ended_at = NULL, message = NULL, cancel_requested = FALSE,
              attempts = attempts + 1
            WHERE id = ? AND state = 'QUEUED' AND EXISTS (
              SELECT 1 FROM server_leader
              WHERE name = 'dispatcher' AND owner = ? AND epoch = ?)""",
            owner,
            timestamp(clock.instant()),
            id,
            owner,
            epoch)
        == 1;
  }

  @Override
  public void attachRun(String id, String owner, String runId) {
    update(
        "UPDATE server_jobs SET run_id = ? WHERE id = ? AND state = 'RUNNING' AND owner = ?",
        runId,
        id,
        owner);
  }

  @Override
  public int heartbeat(String owner) {
    return update(
        "UPDATE server_jobs SET lease_at = CURRENT_TIMESTAMP WHERE state = 'RUNNING' AND owner = ?",
        owner);
  }

  @Override
  public boolean finish(String id, String owner, JobState state, Optional<String> message) {
    if (!state.ended()) {
      throw new IllegalArgumentException("a job ends in an ended state, not " + state);
    }
    return update(
            """
            UPDATE server_jobs SET state = ?, message = ?, ended_at = ?, cancel_requested = FALSE,
              owner = NULL, lease_at = NULL
            WHERE id = ? AND state = 'RUNNING' AND owner = ?""",
            state.name(),
            message.map(JdbcRunStore::truncate).orElse(null),
            timestamp(clock.instant()),
            id,
            owner)
        == 1;
  }

  @Override
  public boolean requeuePreempted(String id, String owner, String reason) {
    return update(
            """
            UPDATE server_jobs SET state = 'QUEUED', owner = NULL, lease_at = NULL, message = ?,
              preemptions = preemptions + 1
            WHERE id = ? AND state = 'RUNNING' AND owner = ? AND cancel_requested = FALSE""",
            JdbcRunStore.truncate(reason),
            id,
            owner)
        == 1;
  }

  @Override
  public boolean endQueued(String id, JobState state, String message) {
    if (!state.ended()) {
      throw new IllegalArgumentException("a job ends in an ended state, not " + state);
    }
    return update(
            "UPDATE server_jobs SET state = ?, message = ?, ended_at = ?"
                + " WHERE id = ? AND state = 'QUEUED'",
            state.name(),
            JdbcRunStore.truncate(message),
            timestamp(clock.instant()),
            id)
        == 1;
  }

  @Override
  public Optional<ServerJob> cancel(String id) {
    update(
        """
        UPDATE server_jobs SET state = 'CANCELLED', ended_at = ?,
          message = 'cancelled before it started'
        WHERE id = ? AND state = 'QUEUED'""",
        timestamp(clock.instant()),
        id);
    update("UPDATE server_jobs SET cancel_requested = TRUE WHERE id = ? AND state = 'RUNNING'", id);
    return get(id);
  }

  @Override
  public Optional<ServerJob> retry(String id) {
    Optional<ServerJob> job = get(id);
    if (job.isEmpty()) {
      return job;
    }
    int moved =
        update(
            """
            UPDATE server_jobs SET state = 'QUEUED', owner = NULL, lease_at = NULL, message = NULL,
              ended_at = NULL, cancel_requested = FALSE
            WHERE id = ? AND state IN ('FAILED', 'PARTIAL', 'CANCELLED', 'UPSTREAM_FAILED')""",
            id);
    if (moved == 0) {
      throw LakeBatchErrors.jobNotRetryable(id, get(id).orElseThrow().state());
    }
    return get(id);
  }

  @Override
  public List<String> requeueOrphans(Duration leaseTimeout) {
    List<Lease> leases =
        database.inTransaction(
            c -> {
              List<Lease> found = new ArrayList<>();
              try (PreparedStatement query =
                      c.prepareStatement(
                          "SELECT id, lease_at, CURRENT_TIMESTAMP AS database_now FROM server_jobs"
                              + " WHERE state = 'RUNNING'");
                  ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                  Instant now = instant(rs, "database_now").orElseThrow();
                  Optional<Instant> lease = instant(rs, "lease_at");
                  if (lease.isEmpty()
                      || Duration.between(lease.get(), now).compareTo(leaseTimeout) >= 0) {
                    found.add(new Lease(rs.getString("id"), lease));
                  }
                }
              }
              return found;
            });
    List<String> requeued = new ArrayList<>();
    for (Lease lease : leases) {
      // compare-and-set on the lease as read: a server that renewed it in between keeps its job
      String sql =
          "UPDATE server_jobs SET state = 'QUEUED', owner = NULL, lease_at = NULL,"
              + " cancel_requested = FALSE WHERE id = ? AND state = 'RUNNING' AND lease_at "
              + (lease.at().isPresent() ? "= ?" : "IS NULL");
      int moved =
          lease.at().isPresent()
              ? update(sql, lease.id(), timestamp(lease.at().get()))
              : update(sql, lease.id());
      if (moved == 1) {
        requeued.add(lease.id());
      }
    }
    return requeued;
  }

  private record Lease(String id, Optional<Instant> at) {}

  // ------------------------------------------------------------------------------- SQL helpers

  private Optional<ServerJob> one(String sql, Object... args) {
    List<ServerJob> found = many(sql, args);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private List<ServerJob> many(String sql, Object... args) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query = prepare(c, sql, args);
              ResultSet rs = query.executeQuery()) {
            List<ServerJob> jobs = new ArrayList<>();
            while (rs.next()) {
              jobs.add(job(rs));
            }
            return jobs;
          }
        });
  }

  private int update(String sql, Object... args) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement statement = prepare(c, sql, args)) {
            return statement.executeUpdate();
          }
        });
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      statement.setObject(i + 1, args[i]);
    }
    return statement;
  }

  private static ServerJob job(ResultSet rs) throws SQLException {
    return new ServerJob(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("tenant"),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("idempotency_key")),
        rs.getString("body_sha256"),
        rs.getString("spec_text"),
        rs.getString("priority"),
        rs.getInt("cores"),
        ExecutionMode.parse(rs.getString("execution_mode")).orElse(ExecutionMode.SHARED),
        JobState.valueOf(rs.getString("state")),
        Optional.ofNullable(rs.getString("run_id")),
        Optional.ofNullable(rs.getString("owner")),
        rs.getInt("attempts"),
        rs.getBoolean("cancel_requested"),
        Optional.ofNullable(rs.getString("message")),
        instant(rs, "submitted_at").orElseThrow(),
        instant(rs, "started_at"),
        instant(rs, "ended_at"),
        dependencies(rs.getString("depends_on")),
        rs.getInt("preemptions"));
  }

  private static List<String> dependencies(String column) {
    return column == null || column.isEmpty() ? List.of() : List.of(column.split("\n"));
  }

  static byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
