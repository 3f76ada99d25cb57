package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A catalog that cannot be reached is reported without the passwords of its configuration. */
@Timeout(60)
class CatalogSecretsTest {
  private static final String URL_SECRET = "url-s3cr3t";
  private static final String CONFIG_SECRET = "conf-s3cr3t";

  static Stream<Arguments> unreachable() {
    // Port 1: nothing listens, the connection is refused at once.
    return Stream.of(
        Arguments.of(
            "jdbc:postgresql://127.0.0.1:1/x?user=lakebatch&password=" + URL_SECRET,
            "jdbc:postgresql://127.0.0.1:1/x?user=lakebatch&password=***"),
        Arguments.of(
            "jdbc:postgresql://lakebatch:" + URL_SECRET + "@127.0.0.1:1/x",
            "jdbc:postgresql://lakebatch:***@127.0.0.1:1/x"),
        Arguments.of(
            "jdbc:h2:tcp://127.0.0.1:1/x;PASSWORD=" + URL_SECRET,
            "jdbc:h2:tcp://127.0.0.1:1/x;PASSWORD=***"));
  }

  @ParameterizedTest
  @MethodSource("unreachable")
  void unreachableCatalogErrorHidesEveryPassword(String url, String redacted) {
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () -> CatalogDatabase.open(new CatalogConfig(url, "lakebatch", CONFIG_SECRET)));

    assertThat(e).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(e.getMessage()).startsWith("catalog database " + redacted + " cannot be reached");
    // What the CLI prints: "error: " + the message for a LakeBatchException, the root message and
    // the stack trace for anything else.
    assertThat(
            "error: "
                + e.getMessage()
                + "\n"
                + LakeBatchErrors.rootMessage(e)
                + "\n"
                + JdbcUrlsTest.stackTraceOf(e))
        .doesNotContain(URL_SECRET)
        .doesNotContain(CONFIG_SECRET);
  }
}
