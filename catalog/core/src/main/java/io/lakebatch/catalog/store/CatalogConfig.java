package io.lakebatch.catalog.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakebatch.catalog.config.LakeBatchSettings;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Where the catalog database is: a JDBC URL and its credentials.
 *
 * <p>The default is an embedded H2 file database under the LakeBatch home folder, which needs no
 * set-up; {@code AUTO_SERVER=TRUE} lets several LakeBatch processes on one machine share it. In
 * production, point {@code url} at PostgreSQL.
 *
 * <p>Where it comes from ({@link #load}): the environment variables {@code LAKEBATCH_CATALOG_URL},
 * {@code LAKEBATCH_CATALOG_USER} and {@code LAKEBATCH_CATALOG_PASSWORD}, else the {@code catalog}
 * section of {@code lakebatch.yaml} in the LakeBatch home folder, else the embedded default.
 *
 * <p>{@link #toString} masks passwords; print {@link JdbcUrls#redact(String)
 * JdbcUrls.redact(url())}, never {@code url()} itself.
 */
public record CatalogConfig(String url, String user, String password) {
  public CatalogConfig {
    requireNonNull(url, "url is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
  }

  public static final String CONFIG_FILE = "lakebatch.yaml";
  private static final Set<String> KEYS = Set.of("url", "user", "password");

  /** The catalog configured for LakeBatch home {@code home} given the environment {@code env}. */
  public static CatalogConfig load(Path home, Map<String, String> env) {
    CatalogConfig config = embedded(home);
    Path file = home.resolve(CONFIG_FILE);
    if (Files.isRegularFile(file)) {
      config = fromFile(file, config);
    }
    String url = env.get(LakeBatchSettings.CATALOG_URL.key());
    if (url != null && !url.isBlank()) {
      config =
          new CatalogConfig(
              url,
              env.getOrDefault(LakeBatchSettings.CATALOG_USER.key(), ""),
              env.getOrDefault(LakeBatchSettings.CATALOG_PASSWORD.key(), ""));
    }
    return config;
  }

  /**
   * The {@code catalog:} section of the YAML file {@code file}, or {@code fallback} without one.
   */
  public static CatalogConfig fromFile(Path file, CatalogConfig fallback) {
    JsonNode catalog;
    try {
      catalog = new YAMLMapper().readTree(file.toFile()).path("catalog");
    } catch (IOException e) {
      throw LakeBatchErrors.unreadableSpec(file.toString(), LakeBatchErrors.rootMessage(e), e);
    }
    if (catalog.isMissingNode()) {
      return fallback;
    }
    catalog
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!KEYS.contains(key)) {
                throw LakeBatchErrors.usage(
                    file
                        + ": catalog."
                        + key
                        + " is not a setting; use catalog.url, catalog.user,"
                        + " catalog.password");
              }
            });
    if (!catalog.path("url").isTextual()) {
      throw LakeBatchErrors.usage(
          file
              + ": catalog.url is required (a JDBC URL, e.g."
              + " jdbc:postgresql://db:5432/lakebatch)");
    }
    return new CatalogConfig(
        catalog.get("url").asText(),
        catalog.path("user").asText(""),
        catalog.path("password").asText(""));
  }

  /** The embedded default under {@code home}. */
  public static CatalogConfig embedded(Path home) {
    Path file = home.toAbsolutePath().normalize().resolve("catalog").resolve("lakebatch");
    return new CatalogConfig("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE", "sa", "");
  }

  public boolean isEmbedded() {
    return url.startsWith("jdbc:h2:");
  }

  /**
   * The passwords this configuration holds (the password setting and any in the URL), to mask in
   * messages.
   */
  public java.util.Set<String> secrets() {
    java.util.Set<String> secrets = new java.util.LinkedHashSet<>(JdbcUrls.passwords(url));
    if (!password.isEmpty()) {
      secrets.add(password);
    }
    return secrets;
  }

  /** Safe to print: the password and any password in the URL are masked. */
  @Override
  public String toString() {
    return "CatalogConfig[url="
        + JdbcUrls.redact(url)
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "" : JdbcUrls.MASK)
        + "]";
  }
}
