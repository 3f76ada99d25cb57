package io.lakebatch.catalog.store;

import java.util.Optional;

/**
 * Which runs {@code lakebatch list} shows: newest first, optionally one state or a name substring.
 */
public record RunFilter(Optional<RunState> state, Optional<String> nameContains, int limit) {
  public static final int DEFAULT_LIMIT = 20;

  public static RunFilter recent() {
    return new RunFilter(Optional.empty(), Optional.empty(), DEFAULT_LIMIT);
  }
}
