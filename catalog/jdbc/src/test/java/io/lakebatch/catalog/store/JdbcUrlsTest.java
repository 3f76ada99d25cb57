package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcUrlsTest {

  static Stream<Arguments> urls() {
    return Stream.of(
        Arguments.of(
            "jdbc:postgresql://h/db?user=u&password=secret",
            "jdbc:postgresql://h/db?user=u&password=***"),
        Arguments.of(
            "jdbc:postgresql://h:5432/db?password=secret&ssl=true",
            "jdbc:postgresql://h:5432/db?password=***&ssl=true"),
        Arguments.of(
            "jdbc:postgresql://h/db?user=u&PassWord=secret&sslpassword=key",
            "jdbc:postgresql://h/db?user=u&PassWord=***&sslpassword=***"),
        Arguments.of("jdbc:postgresql://u:secret@h:5432/db", "jdbc:postgresql://u:***@h:5432/db"),
        Arguments.of(
            "jdbc:postgresql://u:secret@h/db?password=other",
            "jdbc:postgresql://u:***@h/db?password=***"),
        Arguments.of(
            "jdbc:h2:tcp://h/~/db;USER=sa;PASSWORD=secret;AUTO_SERVER=TRUE",
            "jdbc:h2:tcp://h/~/db;USER=sa;PASSWORD=***;AUTO_SERVER=TRUE"),
        Arguments.of(
            "jdbc:h2:file:/data/db;password=file secret", "jdbc:h2:file:/data/db;password=***"),
        Arguments.of(
            "jdbc:h2:file:/data/db;CIPHER=AES;FILE_PWD=secret",
            "jdbc:h2:file:/data/db;CIPHER=AES;FILE_PWD=***"),
        // nothing to hide: unchanged
        Arguments.of("jdbc:postgresql://h:5432/db?user=u", "jdbc:postgresql://h:5432/db?user=u"),
        Arguments.of(
            "jdbc:postgresql://h/db?user=u&password=", "jdbc:postgresql://h/db?user=u&password="),
        Arguments.of(
            "jdbc:h2:file:/home/me/.lakebatch/catalog/lakebatch;AUTO_SERVER=TRUE",
            "jdbc:h2:file:/home/me/.lakebatch/catalog/lakebatch;AUTO_SERVER=TRUE"));
  }

  @ParameterizedTest
  @MethodSource("urls")
  void redactsPasswordsInUrls(String url, String redacted) {
    assertThat(JdbcUrls.redact(url)).isEqualTo(redacted);
    assertThat(JdbcUrls.redact(redacted)).isEqualTo(redacted);
  }

  @Test
  void findsThePasswordsOfAUrlAsWrittenAndDecoded() {
    assertThat(JdbcUrls.passwords("jdbc:postgresql://u:p%40ss@h/db?user=u&password=s%26cret"))
        .containsExactlyInAnyOrder("s%26cret", "s&cret", "p%40ss", "p@ss");
    assertThat(JdbcUrls.passwords("jdbc:h2:file:/x;PASSWORD=secret")).containsExactly("secret");
    assertThat(JdbcUrls.passwords("jdbc:postgresql://h/db?user=u&password=")).isEmpty();
  }

  @Test
  void redactsKnownSecretsAndPasswordLookingPartsOfMessages() {
    assertThat(
            JdbcUrls.redactText(
                "No suitable driver found for jdbc:postgresql://u:hunter2@h/db", Set.of()))
        .isEqualTo("No suitable driver found for jdbc:postgresql://u:***@h/db");
    assertThat(JdbcUrls.redactText("login failed (password=hunter2) for user u", Set.of()))
        .isEqualTo("login failed (password=***) for user u");
    assertThat(
            JdbcUrls.redactText(
                "password authentication failed: hunter2 is wrong", Set.of("hunter2")))
        .isEqualTo("password authentication failed: *** is wrong");
    assertThat(
            JdbcUrls.redactText(
                "Connection to 127.0.0.1:1 refused. Contact admin@example.org", Set.of("hunter2")))
        .isEqualTo("Connection to 127.0.0.1:1 refused. Contact admin@example.org");
  }

  @Test
  void keepsACauseWithoutSecretsAsItIs() {
    SQLException e =
        new SQLException(
            "Connection to 127.0.0.1:1 refused", "08001", 0, new ConnectException("refused"));
    assertThat(JdbcUrls.redact(e, Set.of("hunter2"))).isSameAs(e);
    assertThat(JdbcUrls.redact(null, Set.of("hunter2"))).isNull();
  }

  @Test
  void copiesACauseChainWithSecretsMaskedKeepingSqlStateAndStackTraces() {
    IOException root = new IOException("handshake with password hunter2 failed");
    SQLException e =
        new SQLException(
            "cannot open jdbc:postgresql://h/db?password=hunter2",
            "08001",
            17,
            new RuntimeException("wrapper", root));
    e.addSuppressed(new IllegalStateException("also hunter2"));

    Throwable masked = JdbcUrls.redact(e, Set.of("hunter2"));

    assertThat(masked)
        .isInstanceOf(SQLException.class)
        .hasMessage("cannot open jdbc:postgresql://h/db?password=***");
    assertThat(((SQLException) masked).getSQLState()).isEqualTo("08001");
    assertThat(((SQLException) masked).getErrorCode()).isEqualTo(17);
    assertThat(masked.getStackTrace()).isEqualTo(e.getStackTrace());
    assertThat(masked.getCause()).isExactlyInstanceOf(RuntimeException.class).hasMessage("wrapper");
    assertThat(masked.getCause().getCause())
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("handshake with password *** failed");
    assertThat(stackTraceOf(masked))
        .doesNotContain("hunter2")
        .contains("handshake with password ***");
  }

  @Test
  void anExceptionWithoutAMessageConstructorPrintsAsTheOriginal() {
    Throwable masked =
        JdbcUrls.redact(new NoMessageConstructor("token hunter2"), Set.of("hunter2"));

    assertThat(masked)
        .isInstanceOf(JdbcUrls.RedactedException.class)
        .hasToString(NoMessageConstructor.class.getName() + ": token ***");
  }

  private static final class NoMessageConstructor extends RuntimeException {
    NoMessageConstructor(String message) {
      super(message);
    }
  }

  @Test
  void catalogConfigPrintsNoPassword() {
    CatalogConfig config =
        new CatalogConfig("jdbc:postgresql://h/db?user=u&password=in-url", "u", "hunter2");

    assertThat(config.toString())
        .doesNotContain("hunter2")
        .doesNotContain("in-url")
        .isEqualTo(
            "CatalogConfig[url=jdbc:postgresql://h/db?user=u&password=***, user=u, password=***]");
    assertThat(config.secrets()).containsExactlyInAnyOrder("in-url", "hunter2");
    assertThat(new CatalogConfig("jdbc:h2:mem:x", "sa", "").toString())
        .isEqualTo("CatalogConfig[url=jdbc:h2:mem:x, user=sa, password=]");
    assertThat(List.of(config).toString()).doesNotContain("hunter2");
  }

  static String stackTraceOf(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
