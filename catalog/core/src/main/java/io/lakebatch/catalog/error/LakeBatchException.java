package io.lakebatch.catalog.error;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The one exception type LakeBatch throws on purpose; built by {@link LakeBatchErrors}. */
public final class LakeBatchException extends RuntimeException {
  private final ErrorCategory category;

  private final List<FieldError> fieldErrors;

  LakeBatchException(ErrorCategory category, String message, Throwable cause) {
    this(category, message, cause, List.of());
  }

  LakeBatchException(
      ErrorCategory category, String message, Throwable cause, List<FieldError> fieldErrors) {
    super(message, cause);
    this.category = requireNonNull(category, "category is null");
    this.fieldErrors = List.copyOf(fieldErrors);
  }

  public ErrorCategory category() {
    return category;
  }

  /**
   * The spec field path the error is about ({@code model.inputs.features}), when it is one; the
   * first of {@link #fieldErrors()} when there are several.
   */
  public java.util.Optional<String> field() {
    return fieldErrors.stream().findFirst().map(FieldError::field);
  }

  /**
   * Every spec field error this exception reports, in the order they were found: one for most spec
   * errors, all of them for a spec with several, none for an error that is not about a field.
   */
  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  /** Finds the first {@link LakeBatchException} in a cause chain (Spark wraps task failures). */
  public static java.util.Optional<LakeBatchException> findIn(Throwable throwable) {
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = throwable; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof LakeBatchException e) {
        return java.util.Optional.of(e);
      }
    }
    return java.util.Optional.empty();
  }
}
