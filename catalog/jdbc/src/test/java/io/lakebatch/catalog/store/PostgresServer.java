package io.lakebatch.catalog.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A real PostgreSQL server for tests, one per JVM, started lazily by {@code
 * tests/scripts/postgres.sh} on a free loopback port with trust authentication and a throwaway data
 * folder, and stopped (folder deleted) by a JVM shutdown hook.
 *
 * <p>Tests should not share tables through {@link #jdbcUrl()}; each test class takes its own
 * database from {@link #createDatabase(String)}.
 */
public final class PostgresServer {

  private static final String USER = "lakebatch";
  private static final String SCRIPT = "tests/scripts/postgres.sh";

  /** sun_path holds 108 bytes including the terminating NUL. */
  private static final int MAX_SOCKET_PATH = 107;

  private static final int START_ATTEMPTS = 3;

  private static PostgresServer shared;

  private final int port;
  private final String jdbcUrl;

  private PostgresServer(int port, String jdbcUrl) {
    this.port = port;
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * The server of this JVM, started on first use.
   *
   * @throws IllegalStateException if the script cannot start PostgreSQL; the message holds its
   *     output
   */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** JDBC URL of the default database {@code lakebatch}. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The superuser that owns every database of this server. */
  public String user() {
    return USER;
  }

  /** Empty: the server trusts every loopback connection. */
  public String password() {
    return "";
  }

  /**
   * Creates a new, empty database named after {@code prefix} plus a unique suffix.
   *
   * @return the JDBC URL of the new database
   */
  public String createDatabase(String prefix) {
    String name = databaseName(prefix);
    try (Connection connection = DriverManager.getConnection(jdbcUrl, USER, password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** A legal, unquoted-style identifier of at most 63 bytes (PostgreSQL's limit). */
  private static String databaseName(String prefix) {
    String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
      clean = "db_" + clean;
    }
    String suffix = "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return clean.substring(0, Math.min(clean.length(), 63 - suffix.length())) + suffix;
  }

  private static PostgresServer start() {
    Path script = findScript();
    Path dataDir = dataDir();
    ScriptResult result = null;
    // A free port can be taken by someone else before the server binds it, so retry on that.
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      result = run(script, "start", dataDir.toString(), Integer.toString(port));
      if (result.exitCode() == 0) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(() -> run(script, "stop", dataDir.toString()), "postgres-stop"));
        List<String> lines = result.output().strip().lines().toList();
        return new PostgresServer(port, lines.get(lines.size() - 1));
      }
      run(script, "stop", dataDir.toString());
      if (!result.output().contains("Address already in use")) {
        break;
      }
    }
    throw new IllegalStateException(
        SCRIPT
            + " could not start PostgreSQL (exit "
            + result.exitCode()
            + "):\n"
            + result.output());
  }

  /**
   * {@code <java.io.tmpdir>/pg-<random>} (surefire points java.io.tmpdir at the module's
   * target/tmp), or a folder under /tmp when that path is too long for the server's Unix socket or,
   * as the server runs as the postgres user when we are root, not traversable by other users.
   */
  private static Path dataDir() {
    String name = "pg-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir =
        Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().resolve(name);
    int socketPathBytes = (dir + "/.s.PGSQL.65535").getBytes(StandardCharsets.UTF_8).length;
    return socketPathBytes <= MAX_SOCKET_PATH && traversableByOthers(dir.getParent())
        ? dir
        : Path.of("/tmp", "lakebatch-" + name);
  }

  /** Whether every existing folder from {@code dir} up to the root grants others execute. */
  private static boolean traversableByOthers(Path dir) {
    try {
      for (Path folder = dir; folder != null; folder = folder.getParent()) {
        if (Files.isDirectory(folder)
            && !Files.getPosixFilePermissions(folder)
                .contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static Path findScript() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        dir != null;
        dir = dir.getParent()) {
      Path script = dir.resolve(SCRIPT);
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IllegalStateException(SCRIPT + " not found above " + System.getProperty("user.dir"));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record ScriptResult(int exitCode, String output) {}

  private static ScriptResult run(Path script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // The server itself logs to DIR/server.log, so the pipe closes when the script exits.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new ScriptResult(process.waitFor(), output);
    } catch (IOException e) {
      return new ScriptResult(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ScriptResult(-1, e.toString());
    }
  }
}
