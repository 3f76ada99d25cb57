package io.lakebatch.catalog.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The catalog database: a small HikariCP pool of its connections, migrated to the current schema on
 * open.
 *
 * <p>Every unit of work runs in its own short transaction ({@link #inTransaction}). The pool keeps
 * at least one connection open and never retires a working one (an embedded database closes when
 * its last connection does, and opening it again costs far more than the work); it checks an idle
 * connection before lending it and replaces broken ones, so a restarted PostgreSQL server is picked
 * up again.
 */
public final class CatalogDatabase implements AutoCloseable {
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";
  private static final int MAX_TRANSACTION_ATTEMPTS = 5;

  /** Transactions are short: a few connections serve a driver's threads. */
  private static final int MAX_CONNECTIONS = 4;

  private static final Duration VALID_TIMEOUT = Duration.ofSeconds(2);

  /** H2's "database may be already in use" (90020) and "lock file recently modified" (8000). */
  private static final Set<Integer> H2_LOCK_ERRORS = Set.of(90020, 8000);

  private static final Duration H2_LOCK_WAIT = Duration.ofSeconds(15);

  /**
   * How long work waits for a connection before it fails: longer than a new connection may spend in
   * an embedded database's lock race.
   */
  private static final Duration CONNECTION_WAIT = H2_LOCK_WAIT.plusSeconds(5);

  /** Numbers the pools of this JVM, so their names and threads tell them apart. */
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final CatalogConfig config;
  private final HikariDataSource pool;

  private CatalogDatabase(CatalogConfig config, HikariDataSource pool) {
    this.config = config;
    this.pool = pool;
  }

  /**
   * Connects, applies pending schema migrations and returns the database.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException category UNAVAILABLE when it cannot be
   *     reached
   */
  public static CatalogDatabase open(CatalogConfig config) {
    HikariConfig settings = new HikariConfig();
    settings.setPoolName(
        "lakebatch-catalog-" + POOLS.incrementAndGet() + " " + JdbcUrls.redact(config.url()));
    settings.setDataSource(new DriverConnections(config));
    settings.setMaximumPoolSize(MAX_CONNECTIONS);
    settings.setMinimumIdle(1);
    settings.setMaxLifetime(0);
    settings.setConnectionTimeout(CONNECTION_WAIT.toMillis());
    settings.setValidationTimeout(VALID_TIMEOUT.toMillis());
    settings.setAutoCommit(false);
    // One attempt to connect, on this thread: an unreachable database fails the open.
    settings.setInitializationFailTimeout(1);
    HikariDataSource pool;
    try {
      // Its first connection stays open while Flyway runs: an embedded database would otherwise
      // close and reopen.
      pool = new HikariDataSource(settings);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw LakeBatchErrors.catalogUnavailable(
          config.url(), JdbcUrls.redact(cause, config.secrets()));
    }
    try {
      Flyway.configure(CatalogDatabase.class.getClassLoader())
          .dataSource(config.url(), config.user(), config.password())
          .locations("classpath:db/catalog")
          .table("lakebatch_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      Throwable masked = JdbcUrls.redact(e, config.secrets());
      throw LakeBatchErrors.internal(
          "catalog database "
              + JdbcUrls.redact(config.url())
              + ": schema migration failed ("
              + LakeBatchErrors.rootMessage(masked)
              + ")",
          masked);
    }
    return new CatalogDatabase(config, pool);
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
   *
   * @throws IllegalStateException when the database is closed
   */
  public <T> T inTransaction(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection connection = null;
      try {
        connection = borrow();
        T result;
        try {
          result = work.run(connection);
        } catch (SQLException e) {
          if (attempt < MAX_TRANSACTION_ATTEMPTS && isBroken(connection)) {
            // The connection died under the work (e.g. the process serving an embedded database
            // exited): nothing was committed, so the work can run again on a fresh connection.
            discard(connection);
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
        discard(connection);
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
   * Closes the pool and its connections; work started afterwards fails. Connections lent out when
   * it is called are aborted. Idempotent.
   */
  @Override
  public void close() {
    pool.close();
  }

  private Connection borrow() throws SQLException {
    if (pool.isClosed()) {
      throw closed();
    }
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      if (pool.isClosed()) {
        throw closed();
      }
      throw e;
    }
  }

  private IllegalStateException closed() {
    return new IllegalStateException("the catalog " + JdbcUrls.redact(config.url()) + " is closed");
  }

  private static boolean isBroken(Connection connection) {
    try {
      return connection.isClosed() || !connection.isValid((int) VALID_TIMEOUT.toSeconds());
    } catch (SQLException e) {
      return true;
    }
  }

  /** Returns a connection to the pool. */
  private static void giveBack(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the pool has dropped it
    }
  }

  /** Closes a connection that failed, rather than lending it again. */
  private void discard(Connection connection) {
    if (connection == null) {
      return;
    }
    if (pool.isClosed()) {
      giveBack(connection);
    } else {
      pool.evictConnection(connection);
    }
  }

  /**
   * The pool's source of new connections: {@link DriverManager} with the configured credentials.
   * Processes opening an embedded H2 file at the same moment race for its lock file, and the losers
   * get "locked by another process" until the winner serves it; they retry. A driver's error leaves
   * with the configuration's passwords masked, so the pool never holds (or logs) them.
   */
  private static final class DriverConnections implements DataSource {
    private final CatalogConfig config;
    private volatile int loginTimeoutSeconds;

    DriverConnections(CatalogConfig config) {
      this.config = config;
    }

    @Override
    public Connection getConnection() throws SQLException {
      long deadline = System.nanoTime() + H2_LOCK_WAIT.toNanos();
      while (true) {
        try {
          return DriverManager.getConnection(config.url(), config.user(), config.password());
        } catch (SQLException e) {
          boolean lockRace = config.isEmbedded() && H2_LOCK_ERRORS.contains(e.getErrorCode());
          if (!lockRace || System.nanoTime() > deadline) {
            throw (SQLException) JdbcUrls.redact(e, config.secrets());
          }
          try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(50, 200));
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw (SQLException) JdbcUrls.redact(e, config.secrets());
          }
        }
      }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the catalog's credentials come from its config");
    }

    /**
     * Kept, not applied: {@link DriverManager#setLoginTimeout} would change it for every driver in
     * the JVM. The drivers' own connect timeouts apply.
     */
    @Override
    public void setLoginTimeout(int seconds) {
      loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
      return loginTimeoutSeconds;
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
      // DriverManager's log writer is JVM-wide; not ours to set
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }
  }
}
