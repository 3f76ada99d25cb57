package io.lakebatch.submit;

import java.nio.file.Path;

/** The LakeBatch home folder: {@code $LAKEBATCH_HOME}, else {@code .lakebatch} in the working folder. */
final class LakeBatchHome {
  private LakeBatchHome() {}

  static Path resolve() {
    String configured = System.getenv("LAKEBATCH_HOME");
    return (configured == null || configured.isBlank() ? Path.of(".lakebatch") : Path.of(configured))
        .toAbsolutePath().normalize();
  }
}
