package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

  private final PostgresServer server = PostgresServer.shared();

  @Test
  void serverAnswersAsTheLakebatchUser() throws SQLException {
    try (Connection connection = connect(server.jdbcUrl());
        Statement statement = connection.createStatement()) {
      assertThat(queryString(statement, "SHOW server_version")).matches("\\d.*");
      assertThat(queryString(statement, "select current_user")).isEqualTo("lakebatch");
    }
  }

  @Test
  void createdDatabasesAreDistinctAndUsable() throws SQLException {
    String first = server.createDatabase("PostgresServerTest");
    String second = server.createDatabase("PostgresServerTest");

    assertThat(first).isNotEqualTo(second).startsWith("jdbc:postgresql://127.0.0.1:");
    assertThat(roundTrip(first, 3)).isEqualTo(3);
    assertThat(roundTrip(second, 5)).isEqualTo(5);
  }

  /** Creates a table in the database at {@code url}, inserts {@code rows} rows and counts them. */
  private long roundTrip(String url, int rows) throws SQLException {
    try (Connection connection = connect(url);
        Statement statement = connection.createStatement()) {
      statement.execute("create table t (id int primary key, name text)");
      for (int i = 0; i < rows; i++) {
        statement.executeUpdate("insert into t values (" + i + ", 'row " + i + "')");
      }
      return Long.parseLong(queryString(statement, "select count(*) from t"));
    }
  }

  private Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, server.user(), server.password());
  }

  private static String queryString(Statement statement, String sql) throws SQLException {
    try (ResultSet resultSet = statement.executeQuery(sql)) {
      assertThat(resultSet.next()).isTrue();
      return resultSet.getString(1);
    }
  }
}
