package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the benchmark keeps its files: everything it generates lives in {@code out/run} (deleted and
 * recreated on every run), the results next to it in {@code out}.
 */
public record BenchmarkWorkspace(Path out) {
  public BenchmarkWorkspace {
    out = requireNonNull(out, "out is null").toAbsolutePath().normalize();
  }

  public Path root() {
    return out.resolve("run");
  }

  public Path model() {
    return root().resolve("mlp.onnx");
  }

  public Path input() {
    return root().resolve("input");
  }

  public Path warmUpInput() {
    return root().resolve("warm-up-input");
  }

  public Path lakeBatchSpec() {
    return root().resolve("lakebatch.yaml");
  }

  public Path warmUpSpec() {
    return root().resolve("warm-up.yaml");
  }

  /** The Delta table path (a) writes. */
  public Path lakeBatchOutput() {
    return root().resolve("lakebatch-output");
  }

  public Path warmUpLakeBatchOutput() {
    return root().resolve("warm-up-lakebatch-output");
  }

  /** The Delta table path (c) writes. */
  public Path naiveUdfOutput() {
    return root().resolve("naive-udf-output");
  }

  public Path warmUpNaiveUdfOutput() {
    return root().resolve("warm-up-naive-udf-output");
  }

  public Path resultsCsv() {
    return out.resolve("results.csv");
  }

  public Path resultsJson() {
    return out.resolve("results.json");
  }

  /** Deletes {@link #root()} with everything in it and creates it empty. */
  void recreate() {
    Path root = root();
    try {
      if (Files.exists(root)) {
        try (Stream<Path> paths = Files.walk(root)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not recreate benchmark folder " + root, e);
    }
  }
}
