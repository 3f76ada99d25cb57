package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** {@code GET /readyz}. */
  public JsonNode readiness() throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** {@code POST /v1/jobs} of a YAML spec; asserts 202 and returns the job. */
  public JsonNode submit(String spec, String token) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            request("/v1/jobs", token)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(spec))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return JSON.readTree(response.body());
  }

  /** {@code GET /v1/jobs/{id}}. */
  public JsonNode job(String id, String token) throws Exception {
    return JSON.readTree(
        HTTP.send(
                request("/v1/jobs/" + id, token).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** {@code DELETE /v1/jobs/{id}}; asserts 202. */
  public JsonNode cancel(String id, String token) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            request("/v1/jobs/" + id, token).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return JSON.readTree(response.body());
  }

  /**
   * Waits for the job's end with {@code GET /v1/jobs/{id}/logs?follow=true}, which the server ends
   * when the job has ended (its own event, no polling here), and returns the job.
   */
  public JsonNode awaitEnd(String id, String token) throws Exception {
    HTTP.send(
        request("/v1/jobs/" + id + "/logs?follow=true", token).GET().build(),
        HttpResponse.BodyHandlers.discarding());
    return job(id, token);
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofMinutes(4))
        .header("Authorization", "Bearer " + token);
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
