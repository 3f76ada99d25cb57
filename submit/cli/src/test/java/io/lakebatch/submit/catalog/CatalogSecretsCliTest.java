package io.lakebatch.submit.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `lakebatch` against an unreachable catalog prints where it is, never its passwords. */
@Timeout(60)
class CatalogSecretsCliTest {
  @TempDir Path home;

  @AfterEach
  void clearHome() {
    System.clearProperty("lakebatch.home");
  }

  @Test
  void unreachableCatalogErrorOnStderrHasNoPassword() throws Exception {
    // Port 1: nothing listens. One password in the URL, one in the password setting.
    Files.writeString(
        home.resolve("lakebatch.yaml"),
        """
        catalog:
          url: "jdbc:postgresql://127.0.0.1:1/lakebatch?user=lakebatch&password=url-s3cr3t"
          user: lakebatch
          password: conf-s3cr3t
        """);
    System.setProperty("lakebatch.home", home.toString());

    Cli.Result result = Cli.run("list");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(5);
    assertThat(result.err())
        .contains(
            "catalog database jdbc:postgresql://127.0.0.1:1/lakebatch?user=lakebatch&password=*** cannot be"
                + " reached")
        .doesNotContain("url-s3cr3t")
        .doesNotContain("conf-s3cr3t");
    assertThat(result.out()).doesNotContain("s3cr3t");
  }
}
