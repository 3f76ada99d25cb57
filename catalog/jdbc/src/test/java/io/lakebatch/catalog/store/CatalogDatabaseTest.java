package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogDatabaseTest {

  @TempDir Path home;

  @Test
  void unreachablePostgresIsUnavailableAndNamesTheUrlQuickly() {
    String url = "jdbc:postgresql://127.0.0.1:1/x";
    long start = System.nanoTime();
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () -> CatalogDatabase.open(new CatalogConfig(url, "lakebatch", "")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(e).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(e.category().exitCode()).isEqualTo(5);
    assertThat(e.getMessage()).contains(url).contains("cannot be reached");
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
    assertThat(took).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void catalogOpenReportsUnavailableToo() {
    String url = "jdbc:postgresql://127.0.0.1:1/x";
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class, () -> Catalog.open(new CatalogConfig(url, "lakebatch", "")));
    assertThat(e).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(e.getMessage()).contains(url);
  }

  @Test
  void openingTheSameH2FileTwiceMigratesOnce() throws SQLException {
    CatalogConfig config = CatalogConfig.embedded(home);
    assertThat(config.isEmbedded()).isTrue();
    assertThat(config.url())
        .startsWith("jdbc:h2:file:" + home.toAbsolutePath().normalize())
        .endsWith(";AUTO_SERVER=TRUE");

    CatalogDatabase first = CatalogDatabase.open(config);
    CatalogDatabase second = CatalogDatabase.open(config);
    assertThat(second.config()).isEqualTo(first.config()).isEqualTo(config);
    assertThat(Files.exists(home.resolve("catalog").resolve("lakebatch.mv.db"))).isTrue();

    List<String> history = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(config.url(), config.user(), config.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"version\", \"success\", \"type\", \"description\", \"script\" FROM \"lakebatch_schema_history\" ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        history.add(
            rs.getString(3)
                + " "
                + rs.getString(1)
                + " "
                + rs.getString(5)
                + " "
                + rs.getBoolean(2));
      }
    }
    // Flyway 10 writes a marker row when it creates the history table, then one row per migration
    assertThat(history)
        .containsExactly(
            "TABLE null  true",
            "SQL 1 V1__models_runs_chunks.sql true",
            "SQL 2 V2__run_epochs.sql true",
            "SQL 3 V3__pinned_inputs.sql true",
            "SQL 4 V4__server_jobs.sql true",
            "SQL 5 V5__server_leader.sql true",
            "SQL 6 V6__server_job_execution_mode.sql true",
            "SQL 7 V7__server_job_dependencies.sql true",
            "SQL 8 V8__server_job_preemptions.sql true");
  }

  @Test
  void closingACatalogClosesItsConnectionsAndRefusesMoreWork() throws SQLException {
    CatalogConfig config = CatalogConfig.embedded(home);
    Catalog catalog = Catalog.open(config);
    catalog.runs().register(RunStoreContractTest.newRun("r-closed", "closed", List.of(5L)));
    try (Connection watcher =
        DriverManager.getConnection(config.url(), config.user(), config.password())) {
      assertThat(sessions(watcher))
          .as("the watcher and the catalog's pooled connection")
          .isGreaterThanOrEqualTo(2);
      catalog.close();
      catalog.close(); // idempotent
      assertThat(sessions(watcher)).as("only the watcher is left").isEqualTo(1);
    }
    assertThat(
            catchThrowableOfType(
                IllegalStateException.class, () -> catalog.runs().find("r-closed")))
        .hasMessageContaining("is closed");
    try (Catalog reopened = Catalog.open(config)) {
      assertThat(reopened.runs().find("r-closed")).isPresent();
    }
  }

  private static int sessions(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aThirdOpenThroughCatalogSeesTheSameData() {
    CatalogConfig config = CatalogConfig.embedded(home);
    Catalog one = Catalog.open(config);
    one.runs().register(RunStoreContractTest.newRun("r-shared", "shared", List.of(5L, 6L)));
    Catalog two = Catalog.open(config);
    assertThat(two.config()).isEqualTo(config);
    assertThat(two.runs().get("r-shared").rowsTotal()).isEqualTo(11);
    assertThat(two.models().names()).isEmpty();
  }

  @Test
  void sqlErrorsInsideATransactionAreInternalAndRolledBack() throws SQLException {
    CatalogConfig config = CatalogConfig.embedded(home);
    CatalogDatabase database = CatalogDatabase.open(config);
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                database.inTransaction(
                    c -> {
                      try (Statement s = c.createStatement()) {
                        s.executeUpdate(
                            "INSERT INTO run_transitions (run_id, to_state, at) VALUES ('nope', 'QUEUED', CURRENT_TIMESTAMP)");
                      }
                      return null;
                    }));
    assertThat(e).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL);
    assertThat(e.getMessage()).startsWith("catalog database error");

    // a runtime failure after a successful statement rolls the statement back
    RuntimeException boom = new IllegalStateException("boom");
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                database.inTransaction(
                    c -> {
                      try (Statement s = c.createStatement()) {
                        s.executeUpdate("CREATE TABLE scratch (x INT)");
                        s.executeUpdate("INSERT INTO scratch VALUES (1)");
                      }
                      throw boom;
                    }));
    assertThat(thrown).isSameAs(boom);
    int rows =
        database.inTransaction(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM scratch")) {
                rs.next();
                return rs.getInt(1);
              }
            });
    assertThat(rows).isZero();
  }
}
