package io.lakebatch.catalog.error;

import static java.util.Objects.requireNonNull;

/**
 * One error of a job spec: the field path it is about ({@code execution.batch-size}) and the rule
 * it breaks ({@code must be at least 1, got 0}).
 */
public record FieldError(String field, String message) {
  public FieldError {
    requireNonNull(field, "field is null");
    requireNonNull(message, "message is null");
  }
}
