package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;

/**
 * A connection factory for the catalog database, migrated to the current schema on open.
 *
 * <p>Every unit of work runs in its own short transaction ({@link #inTransaction}). Connections are
 * reused while they stay valid (an embedded database closes when its last connection does, and
 * opening it again costs far more than the work), and replaced when they break, so a restarted
 * PostgreSQL server is picked up again.
 */
public final class CatalogDatabase implements AutoCloseable {
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";
  private static final int MAX_TRANSACTION_ATTEMPTS = 5;

  private static final int MAX_IDLE = 4;

  /** H2's "database may be already in use" (90020) and "lock file recently modified" (8000). */
  private static final java.util.Set<Integer> H2_LOCK_ERRORS = java.util.Set.of(90020, 8000);

  private static final long H2_LOCK_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
  private static final int VALID_TIMEOUT_SECONDS = 2;

  private final CatalogConfig config;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  private CatalogDatabase(CatalogConfig config) {
    this.config = config;
  }

  /**
   * Connects, applies pending schema migrations and returns the database.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException category UNAVAILABLE when it cannot be
   *     reached
   */
  public static CatalogDatabase open(CatalogConfig config) {
    CatalogDatabase database = new CatalogDatabase(config);
    try {
      // Kept open (pooled) while Flyway runs: an embedded database would otherwise close and
      // reopen.
      database.giveBack(database.connect());
    } catch (SQLException e) {
      throw LakeBatchErrors.catalogUnavailable(config.url(), JdbcUrls.redact(e, config.secrets()));
    }
    try {
      Flyway.configure(CatalogDatabase.class.getClassLoader())
          .dataSource(config.url(), config.user(), config.password())
          .locations("classpath:db/catalog")
          .table("lakebatch_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      Throwable masked = JdbcUrls.redact(e, config.secrets());
      throw LakeBatchErrors.internal(
          "catalog database "
              + JdbcUrls.redact(config.url())
              + ": schema migration failed ("
              + LakeBatchErrors.rootMessage(masked)
              + ")",
          masked);
    }
    return database;
  }

  public CatalogConfig config() {
    return config;
  }

  /** One unit of work against the catalog, inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction and commits it; rolls back on any failure. A serialization
   * failure or deadlock reported by the database is retried a few times, since the work is then
   * known not to have happened.
   */
  public <T> T inTransaction(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection connection = null;
      try {
        connection = borrow();
        connection.setAutoCommit(false);
        T result;
        try {
          result = work.run(connection);
        } catch (SQLException e) {
          if (attempt < MAX_TRANSACTION_ATTEMPTS && isBroken(connection)) {
            // The connection died under the work (e.g. the process serving an embedded database
            // exited): nothing was committed, so the work can run again on a fresh connection.
            closeQuietly(connection);
            connection = null;
            continue;
          }
          connection.rollback();
          throw e;
        } catch (RuntimeException e) {
          connection.rollback();
          throw e;
        }
        connection.commit();
        giveBack(connection);
        connection = null;
        return result;
      } catch (SQLException e) {
        closeQuietly(connection);
        connection = null;
        boolean retryable =
            SERIALIZATION_FAILURE.equals(e.getSQLState()) || DEADLOCK.equals(e.getSQLState());
        if (retryable && attempt < MAX_TRANSACTION_ATTEMPTS) {
          continue;
        }
        Throwable masked = JdbcUrls.redact(e, config.secrets());
        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
          throw LakeBatchErrors.catalogUnavailable(config.url(), masked);
        }
        throw LakeBatchErrors.internal("catalog database error: " + masked.getMessage(), masked);
      } finally {
        // A RuntimeException from the work leaves a rolled-back, still usable connection.
        if (connection != null) {
          giveBack(connection);
        }
      }
    }
  }

  /**
   * Closes the pooled connections; work started afterwards fails. Connections lent out when it is
   * called are closed as they come back. Idempotent.
   */
  @Override
  public void close() {
    List<Connection> pooled;
    synchronized (idle) {
      closed = true;
      pooled = List.copyOf(idle);
      idle.clear();
    }
    pooled.forEach(CatalogDatabase::closeQuietly);
  }

  private Connection borrow() throws SQLException {
    while (true) {
      Connection connection;
      synchronized (idle) {
        if (closed) {
          throw new IllegalStateException(
              "the catalog " + JdbcUrls.redact(config.url()) + " is closed");
        }
        connection = idle.poll();
      }
      if (connection == null) {
        return connect();
      }
      if (connection.isValid(VALID_TIMEOUT_SECONDS)) {
        return connection;
      }
      closeQuietly(connection);
    }
  }

  private static boolean isBroken(Connection connection) {
    try {
      return connection.isClosed() || !connection.isValid(VALID_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return true;
    }
  }

  private void giveBack(Connection connection) {
    synchronized (idle) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.push(connection);
        return;
      }
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  /**
   * A new connection. Processes opening an embedded H2 file at the same moment race for its lock
   * file, and the losers get "locked by another process" until the winner serves it; they retry.
   */
  private Connection connect() throws SQLException {
    long deadline = System.nanoTime() + H2_LOCK_WAIT_NANOS;
    while (true) {
      try {
        return DriverManager.getConnection(config.url(), config.user(), config.password());
      } catch (SQLException e) {
        boolean lockRace = config.isEmbedded() && H2_LOCK_ERRORS.contains(e.getErrorCode());
        if (!lockRace || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(50, 200));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
