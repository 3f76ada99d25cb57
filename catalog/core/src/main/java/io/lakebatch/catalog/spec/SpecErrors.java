package io.lakebatch.catalog.spec;

import io.lakebatch.catalog.error.FieldError;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The errors found while validating one spec, in the order they were found; {@link #check()}
 * reports them all in one {@link LakeBatchException}.
 */
final class SpecErrors {
  private final List<FieldError> errors = new ArrayList<>();

  void add(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  /** Adds the field errors of {@code e}, a spec error raised by code that throws. */
  void add(LakeBatchException e) {
    if (e.fieldErrors().isEmpty()) {
      throw e;
    }
    errors.addAll(e.fieldErrors());
  }

  /** How many errors were found so far: a mark for {@link #ifNoneSince}. */
  int count() {
    return errors.size();
  }

  /** {@code value}'s result, or empty when an error was added after {@code mark}. */
  <T> Optional<T> ifNoneSince(int mark, Supplier<T> value) {
    return errors.size() == mark ? Optional.of(value.get()) : Optional.empty();
  }

  /** Throws every error found, if there is one. */
  void check() {
    if (!errors.isEmpty()) {
      throw LakeBatchErrors.invalidSpec(errors);
    }
  }
}
