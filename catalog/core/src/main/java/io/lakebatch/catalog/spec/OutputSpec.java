package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

/** The output Delta table and its dead-letter table. */
public record OutputSpec(String path, WriteMode mode, String deadLetterPath) {
  public OutputSpec {
    requireNonNull(path, "path is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(deadLetterPath, "deadLetterPath is null");
  }
}
