package io.lakebatch.server;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.FieldError;
import io.lakebatch.catalog.error.LakeBatchException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An API error, answered as {@code application/problem+json} (RFC 9457): status, title, detail and,
 * for a bad spec, every error with its field path.
 */
public final class ApiProblem extends RuntimeException {
  private final int status;
  private final String title;
  private final List<FieldError> errors;
  private final Optional<Long> retryAfterSeconds;

  ApiProblem(int status, String title, String detail, List<FieldError> errors) {
    this(status, title, detail, errors, Optional.empty());
  }

  private ApiProblem(
      int status,
      String title,
      String detail,
      List<FieldError> errors,
      Optional<Long> retryAfterSeconds) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiProblem unauthorized() {
    return new ApiProblem(
        401,
        "Unauthorized",
        "send a token as 'Authorization: Bearer <token>' (create one with `lakebatch tokens create`)",
        List.of());
  }

  static ApiProblem forbidden(String detail) {
    return new ApiProblem(403, "Forbidden", detail, List.of());
  }

  /** Unknown, or another tenant's: both are 404, so ids of other tenants are not revealed. */
  static ApiProblem jobNotFound(String id) {
    return new ApiProblem(404, "Not Found", "no job '" + id + "'", List.of());
  }

  static ApiProblem badRequest(String detail, List<FieldError> errors) {
    return new ApiProblem(400, "Bad Request", detail, errors);
  }

  static ApiProblem tooManyRequests(String tenant, long retryAfterSeconds) {
    return new ApiProblem(
        429,
        "Too Many Requests",
        "tenant " + tenant + " is over its request rate; retry after " + retryAfterSeconds + " s",
        List.of(),
        Optional.of(retryAfterSeconds));
  }

  /**
   * A LakeBatch error as the API answers it: a spec error is 400 with an entry in {@code errors}
   * for each of its field errors, a conflict 409.
   */
  static ApiProblem of(LakeBatchException e) {
    if (e.category() == ErrorCategory.CONFLICT) {
      return new ApiProblem(409, "Conflict", e.getMessage(), List.of());
    }
    if (e.category() == ErrorCategory.UNAVAILABLE) {
      return new ApiProblem(503, "Service Unavailable", e.getMessage(), List.of());
    }
    if (e.category() == ErrorCategory.USER || e.category() == ErrorCategory.DATA) {
      // several errors: the detail is the count, each error is an entry of errors
      String detail =
          e.fieldErrors().size() > 1
              ? e.getMessage().lines().findFirst().orElse("")
              : e.getMessage();
      return badRequest(detail, e.fieldErrors());
    }
    return new ApiProblem(500, "Internal Server Error", e.getMessage(), List.of());
  }

  public int status() {
    return status;
  }

  public Optional<Long> retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The problem document. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", getMessage());
    if (!errors.isEmpty()) {
      body.put("errors", errors);
    }
    return body;
  }
}
