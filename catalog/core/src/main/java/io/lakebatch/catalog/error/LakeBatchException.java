package io.lakebatch.catalog.error;

import static java.util.Objects.requireNonNull;

/** The one exception type LakeBatch throws on purpose; built by {@link LakeBatchErrors}. */
public final class LakeBatchException extends RuntimeException {
  private final ErrorCategory category;

  private final String field;

  LakeBatchException(ErrorCategory category, String message, Throwable cause) {
    this(category, message, cause, null);
  }

  LakeBatchException(ErrorCategory category, String message, Throwable cause, String field) {
    super(message, cause);
    this.category = requireNonNull(category, "category is null");
    this.field = field;
  }

  public ErrorCategory category() {
    return category;
  }

  /** The spec field path the error is about ({@code model.inputs.features}), when it is one. */
  public java.util.Optional<String> field() {
    return java.util.Optional.ofNullable(field);
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
