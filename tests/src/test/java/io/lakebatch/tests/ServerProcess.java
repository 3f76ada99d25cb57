package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code lakebatch server} in a process of its own, and the few API calls the tests make on it
 * (real HTTP on loopback).
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+)");
  private static final Pattern ADMIN = Pattern.compile("first admin token .*: (lbt_\\S+)");

  private final Process process;
  private final Path log;
  private final String url;

  private ServerProcess(Process process, Path log, String url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /** Starts {@code lakebatch server --config config} and waits until it listens. */
  public static ServerProcess start(CliDriver driver, Path log, Path config) throws Exception {
    Process process = driver.start(log, "server", "--config", config.toString());
    CliDriver.waitForOutput(log, "listening on", process, Duration.ofMinutes(2));
    Matcher m = LISTENING.matcher(Files.readString(log));
    assertThat(m.find()).isTrue();
    return new ServerProcess(process, log, m.group(1));
  }

  public String url() {
    return url;
  }

  public Process process() {
    return process;
  }

  public Path log() {
    return log;
  }

  /** The admin token a new catalog's first server printed. */
  public String adminToken() throws IOException {
    Matcher m = ADMIN.matcher(Files.readString(log));
    assertThat(m.find()).as("a new catalog's first server prints an admin token").isTrue();
    return m.group(1);
  }

  /** The server's API over HTTP. */
  public ServerApi api() {
    return new ServerApi(url);
  }

  /** {@code GET /readyz}. */
  public JsonNode readiness() throws Exception {
    return api().readiness();
  }

  /** {@code POST /v1/jobs} of a YAML spec; asserts 202 and returns the job. */
  public JsonNode submit(String spec, String token) throws Exception {
    return api().submit(spec, token);
  }

  /** {@code GET /v1/jobs/{id}}. */
  public JsonNode job(String id, String token) throws Exception {
    return api().job(id, token);
  }

  /** {@code DELETE /v1/jobs/{id}}; asserts 202. */
  public JsonNode cancel(String id, String token) throws Exception {
    return api().cancel(id, token);
  }

  /** The job once it has ended ({@link ServerApi#awaitEnd}). */
  public JsonNode awaitEnd(String id, String token) throws Exception {
    return api().awaitEnd(id, token);
  }

  /** SIGKILLs the server; returns its exit code (137). */
  public int kill() throws InterruptedException {
    return CliDriver.kill(process);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      CliDriver.kill(process);
    }
  }
}
