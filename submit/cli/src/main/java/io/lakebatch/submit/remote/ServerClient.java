package io.lakebatch.submit.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The CLI's client of a {@code lakebatch server}: what {@code submit}, {@code status}, {@code
 * list}, {@code logs} and {@code cancel} send with {@code --server}. A problem answer becomes a
 * LakeBatch error with the server's detail and field paths, and the exit code of its kind.
 */
public final class ServerClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String token;
  private final HttpClient http;

  public ServerClient(String url, String token) {
    this.url = url.replaceAll("/+$", "");
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Submits spec text; a retried submission with the same key gets the same job. */
  public JsonNode submit(String spec, boolean json, Optional<String> idempotencyKey) {
    HttpRequest.Builder request =
        request("/v1/jobs")
            .header("Content-Type", json ? "application/json" : "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(spec));
    idempotencyKey.ifPresent(k -> request.header("Idempotency-Key", k));
    return send(request.build());
  }

  public JsonNode job(String id) {
    return send(request("/v1/jobs/" + encode(id)).GET().build());
  }

  public JsonNode list(Map<String, String> query) {
    StringJoiner q = new StringJoiner("&", "?", "");
    q.setEmptyValue("");
    query.forEach((k, v) -> q.add(k + "=" + encode(v)));
    return send(request("/v1/jobs" + q).GET().build());
  }

  public JsonNode cancel(String id) {
    return send(request("/v1/jobs/" + encode(id)).DELETE().build());
  }

  /** Copies the job's driver log to {@code out}; with {@code follow}, until the job ends. */
  public void logs(String id, boolean follow, OutputStream out) {
    HttpResponse<InputStream> response =
        exchange(
            request("/v1/jobs/" + encode(id) + "/logs" + (follow ? "?follow=true" : ""))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() >= 400) {
        throw problem(
            response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      byte[] buffer = new byte[8192];
      for (int n; (n = body.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      throw LakeBatchErrors.catalogUnavailable(url, e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + token);
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw problem(response.statusCode(), response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw LakeBatchErrors.internal("the server at " + url + " answered no JSON", e);
    }
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (ConnectException e) {
      throw LakeBatchErrors.serverUnreachable(url, e);
    } catch (IOException e) {
      throw LakeBatchErrors.serverUnreachable(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.serverUnreachable(url, e);
    }
  }

  private RuntimeException problem(int status, String body) {
    String detail = body;
    try {
      JsonNode problem = JSON.readTree(body);
      StringBuilder text = new StringBuilder(problem.path("detail").asText(body));
      problem
          .path("errors")
          .forEach(
              e ->
                  text.append("\n  ")
                      .append(e.path("field").asText())
                      .append(": ")
                      .append(e.path("message").asText()));
      detail = text.toString();
    } catch (IOException e) {
      // not problem+json (a proxy's page): show it as it came
    }
    return LakeBatchErrors.serverRefused(url, status, detail);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
