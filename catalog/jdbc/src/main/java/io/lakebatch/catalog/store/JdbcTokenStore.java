package io.lakebatch.catalog.store;

import static io.lakebatch.catalog.store.JdbcRunStore.instant;
import static io.lakebatch.catalog.store.JdbcRunStore.timestamp;

import io.lakebatch.catalog.jobs.ApiToken;
import io.lakebatch.catalog.jobs.TokenStore;
import io.lakebatch.catalog.spec.RunIdentity;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** API tokens in table {@code api_tokens}: only each secret's SHA-256 is stored. */
final class JdbcTokenStore implements TokenStore {
  private final CatalogDatabase database;
  private final Clock clock;

  JdbcTokenStore(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public CreatedToken create(String tenant, boolean admin) {
    String secret =
        "lbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(JdbcJobStore.bytes(32));
    ApiToken token =
        new ApiToken(
            "tok-" + HexFormat.of().formatHex(JdbcJobStore.bytes(4)),
            tenant,
            admin,
            clock.instant(),
            Optional.empty());
    database.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO api_tokens (id, tenant, admin, token_sha256, created_at)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, token.id());
            insert.setString(2, tenant);
            insert.setBoolean(3, admin);
            insert.setString(4, RunIdentity.sha256(secret));
            insert.setObject(5, timestamp(token.createdAt()));
            insert.executeUpdate();
          }
          return null;
        });
    return new CreatedToken(token, secret);
  }

  @Override
  public Optional<ApiToken> authenticate(String secret) {
    List<ApiToken> found =
        query(
            "SELECT * FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL",
            RunIdentity.sha256(secret));
    return found.stream().findFirst();
  }

  @Override
  public List<ApiToken> list() {
    return query("SELECT * FROM api_tokens ORDER BY seq");
  }

  @Override
  public boolean revoke(String id) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            update.setObject(1, timestamp(clock.instant()));
            update.setString(2, id);
            return update.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean hasAdmin() {
    return !query("SELECT * FROM api_tokens WHERE admin = TRUE AND revoked_at IS NULL").isEmpty();
  }

  private List<ApiToken> query(String sql, String... args) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
              query.setString(i + 1, args[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
              List<ApiToken> tokens = new ArrayList<>();
              while (rs.next()) {
                tokens.add(token(rs));
              }
              return tokens;
            }
          }
        });
  }

  private static ApiToken token(ResultSet rs) throws SQLException {
    Instant created = instant(rs, "created_at").orElseThrow();
    return new ApiToken(
        rs.getString("id"),
        rs.getString("tenant"),
        rs.getBoolean("admin"),
        created,
        instant(rs, "revoked_at"));
  }
}
