package io.lakebatch.catalog.registry;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.store.CatalogDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model registry on the catalog database's {@code models} table. A registration takes the next
 * version in one transaction; one that loses a race for it (a unique violation) tries again.
 */
public final class JdbcModelRegistry implements ModelRegistry {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final int MAX_REGISTER_ATTEMPTS = 10;

  private final CatalogDatabase database;
  private final Clock clock;

  public JdbcModelRegistry(CatalogDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public ModelVersion register(
      String name,
      String uri,
      String sha256,
      ModelSignature signature,
      Optional<String> description,
      String registeredBy) {
    if (!ModelRef.NAME.matcher(name).matches()) {
      throw LakeBatchErrors.usage(
          "model name '" + name + "' must match " + ModelRef.NAME.pattern());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return database.inTransaction(
            c -> {
              int version = latestVersion(c, name).orElse(0) + 1;
              Instant now = clock.instant();
              try (PreparedStatement insert =
                  c.prepareStatement(
                      """
              INSERT INTO models (name, version, uri, sha256, signature_json, description, registered_by, registered_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, name);
                insert.setInt(2, version);
                insert.setString(3, uri);
                insert.setString(4, sha256);
                insert.setString(5, SignatureJson.write(signature));
                insert.setString(6, description.orElse(null));
                insert.setString(7, registeredBy);
                insert.setObject(8, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                insert.executeUpdate();
              }
              return new ModelVersion(
                  name, version, uri, sha256, signature, description, registeredBy, now);
            });
      } catch (RuntimeException e) {
        boolean lostRace =
            e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState());
        if (!lostRace || attempt >= MAX_REGISTER_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  @Override
  public ModelVersion resolve(ModelRef ref) {
    List<ModelVersion> versions = versions(ref.name());
    if (versions.isEmpty()) {
      throw LakeBatchErrors.modelNotRegistered(ref.name(), names());
    }
    ModelVersion latest = versions.get(versions.size() - 1);
    if (ref.version().isEmpty()) {
      return latest;
    }
    return versions.stream()
        .filter(v -> v.version() == ref.version().getAsInt())
        .findFirst()
        .orElseThrow(
            () ->
                LakeBatchErrors.modelVersionNotFound(
                    ref.name(), ref.version().getAsInt(), latest.version()));
  }

  @Override
  public Optional<ModelVersion> findBySha256(String sha256) {
    List<ModelVersion> found =
        query(
            "SELECT * FROM models WHERE sha256 = ? ORDER BY registered_at DESC, version DESC",
            sha256);
    return found.stream().findFirst();
  }

  @Override
  public List<ModelVersion> versions(String name) {
    return query("SELECT * FROM models WHERE name = ? ORDER BY version", name);
  }

  @Override
  public List<ModelVersion> latestVersions() {
    return query(
        "SELECT m.* FROM models m WHERE m.version = (SELECT MAX(version) FROM models x WHERE x.name = m.name)"
            + " ORDER BY m.name");
  }

  @Override
  public List<String> names() {
    return latestVersions().stream().map(ModelVersion::name).toList();
  }

  private List<ModelVersion> query(String sql, String... parameters) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement query = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
              query.setString(i + 1, parameters[i]);
            }
            List<ModelVersion> versions = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
              while (rs.next()) {
                versions.add(
                    new ModelVersion(
                        rs.getString("name"),
                        rs.getInt("version"),
                        rs.getString("uri"),
                        rs.getString("sha256"),
                        SignatureJson.read(rs.getString("signature_json")),
                        Optional.ofNullable(rs.getString("description")),
                        rs.getString("registered_by"),
                        rs.getObject("registered_at", OffsetDateTime.class).toInstant()));
              }
            }
            return versions;
          }
        });
  }

  private static Optional<Integer> latestVersion(Connection c, String name) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement("SELECT MAX(version) FROM models WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        int max = rs.getInt(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(max);
      }
    }
  }
}
