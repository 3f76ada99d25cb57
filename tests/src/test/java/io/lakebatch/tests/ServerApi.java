package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/** The few calls of a job server's REST API the tests make (real HTTP on loopback). */
public final class ServerApi {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;

  public ServerApi(String url) {
    this.url = url;
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

  /**
   * Follows the job's log until a line matches {@code line} (the run's own event, streamed by the
   * server); false when the job ended first.
   */
  public boolean awaitLogLine(String id, String token, Pattern line) throws Exception {
    HttpResponse<InputStream> follow =
        HTTP.send(
            request("/v1/jobs/" + id + "/logs?follow=true", token).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(follow.body(), StandardCharsets.UTF_8))) {
      String next;
      while ((next = lines.readLine()) != null) {
        if (line.matcher(next).find()) {
          return true;
        }
      }
      return false;
    }
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofMinutes(4))
        .header("Authorization", "Bearer " + token);
  }

  /** The instant in {@code job}'s field {@code field} (e.g. {@code startedAt}). */
  public static java.time.Instant instant(JsonNode job, String field) {
    return java.time.Instant.parse(job.get(field).asText());
  }
}
