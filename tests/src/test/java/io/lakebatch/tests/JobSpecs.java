package io.lakebatch.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Writes job spec files for tests. */
final class JobSpecs {
  private JobSpecs() {}

  /** {@code [f0, f1, ...]} for YAML. */
  static String featureList(int features) {
    return IntStream.range(0, features).mapToObj(i -> "f" + i).collect(Collectors.joining(", ", "[", "]"));
  }

  static Path write(Path folder, String name, String yaml) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  /** A spec scoring the 32-feature MLP over {@code input} into {@code output}. */
  static String mlp(String name, Path model, Path input, String format, Path output, long rowsPerChunk, int features) {
    return """
        name: %s
        model:
          path: %s
          inputs:
            features: %s
          outputs:
            score: score
        input:
          format: %s
          path: %s
          carry: [id]
        output:
          path: %s
        execution:
          batch-size: 256
          rows-per-chunk: %d
          max-bad-row-fraction: 0.2
          retries: {task: 2, chunk: 1}
        resources:
          master: local[2]
        """.formatted(name, model, featureList(features), format, input, output, rowsPerChunk);
  }
}
