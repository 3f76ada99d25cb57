package io.lakebatch.submit.remote;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --server URL} (or {@code $LAKEBATCH_SERVER}): the command talks to a job server instead of
 * the local catalog, with the token in {@code $LAKEBATCH_TOKEN}.
 */
public final class ServerOption {
  public static final String SERVER_ENV = "LAKEBATCH_SERVER";
  public static final String TOKEN_ENV = "LAKEBATCH_TOKEN";
  public static final String TOKEN_PROPERTY = "lakebatch.token";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "a lakebatch server to talk to (default $LAKEBATCH_SERVER; token: $LAKEBATCH_TOKEN)")
  String server;

  /** The client of the server to talk to, or empty for the local catalog. */
  public Optional<ServerClient> client() {
    String url = server != null ? server : System.getenv(SERVER_ENV);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String token = System.getenv(TOKEN_ENV);
    if (token == null) {
      token = System.getProperty(TOKEN_PROPERTY); // a CLI embedded in another JVM (tests)
    }
    if (token == null || token.isBlank()) {
      throw LakeBatchErrors.usage(
          "--server "
              + url
              + " needs a token in $"
              + TOKEN_ENV
              + " (see `lakebatch tokens create`)");
    }
    return Optional.of(new ServerClient(url, token));
  }
}
