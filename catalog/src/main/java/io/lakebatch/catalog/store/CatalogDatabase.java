package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.flywaydb.core.Flyway;

/**
 * A connection factory for the catalog database, migrated to the current schema on open.
 *
 * <p>Every unit of work runs in its own short transaction ({@link #inTransaction}). Connections are
 * reused while they stay valid (an embedded database closes when its last connection does, and
 * opening it again costs far more than the work), and replaced when they break, so a restarted
 * PostgreSQL server is picked up again.
 */
public final class CatalogDatabase {
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";
  private static final int MAX_TRANSACTION_ATTEMPTS = 5;

  private static final int MAX_IDLE = 4;
  private static final int VALID_TIMEOUT_SECONDS = 2;

  private final CatalogConfig config;
  private final Deque<Connection> idle = new ArrayDeque<>();

  private CatalogDatabase(CatalogConfig config) {
    this.config = config;
  }

  /**
   * Connects, applies pending schema migrations and returns the database.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException category UNAVAILABLE when it cannot be reached
   */
  public static CatalogDatabase open(CatalogConfig config) {
    CatalogDatabase database = new CatalogDatabase(config);
    try (Connection ignored = database.connect()) {
      // reachable
    } catch (SQLException e) {
      throw LakeBatchErrors.catalogUnavailable(config.url(), e);
    }
    try {
      Flyway.configure(CatalogDatabase.class.getClassLoader())
          .dataSource(config.url(), config.user(), config.password())
          .locations("classpath:db/catalog")
          .table("lakebatch_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw LakeBatchErrors.catalogUnavailable(config.url(), e);
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
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
        giveBack(connection);
        connection = null;
        return result;
      } catch (SQLException e) {
        closeQuietly(connection);
        connection = null;
        boolean retryable = SERIALIZATION_FAILURE.equals(e.getSQLState()) || DEADLOCK.equals(e.getSQLState());
        if (retryable && attempt < MAX_TRANSACTION_ATTEMPTS) {
          continue;
        }
        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
          throw LakeBatchErrors.catalogUnavailable(config.url(), e);
        }
        throw LakeBatchErrors.internal("catalog database error: " + e.getMessage(), e);
      } finally {
        // A RuntimeException from the work leaves a rolled-back, still usable connection.
        if (connection != null) {
          giveBack(connection);
        }
      }
    }
  }

  private Connection borrow() throws SQLException {
    while (true) {
      Connection connection;
      synchronized (idle) {
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

  private void giveBack(Connection connection) {
    synchronized (idle) {
      if (idle.size() < MAX_IDLE) {
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

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(config.url(), config.user(), config.password());
  }
}
