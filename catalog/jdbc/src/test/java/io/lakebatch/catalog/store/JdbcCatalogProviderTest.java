package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Catalog#open} finds the JDBC catalog through its service registration. */
@Timeout(60)
class JdbcCatalogProviderTest {
  @TempDir Path home;

  @Test
  void catalogOpenFindsTheJdbcCatalogForAJdbcUrl() {
    CatalogConfig config = CatalogConfig.embedded(home);
    try (Catalog catalog = Catalog.open(config)) {
      assertThat(catalog).isInstanceOf(JdbcCatalog.class);
      assertThat(catalog.config()).isEqualTo(config);
      assertThat(catalog.models().names()).isEmpty();
    }
  }

  @Test
  void aUrlThatIsNotJdbcIsAConfigurationErrorNamingTheJdbcCatalog() {
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () -> Catalog.open(new CatalogConfig("postgres://db:5432/lakebatch", "u", "")));

    assertThat(e).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.getMessage())
        .contains("postgres://db:5432/lakebatch")
        .contains("JDBC (jdbc:h2:, jdbc:postgresql:)");
  }
}
