package io.lakebatch.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Writes job spec files for tests (shared by the end-to-end, fault and cluster suites). */
public final class JobSpecs {
  private JobSpecs() {}

  /** {@code [f0, f1, ...]} for YAML. */
  public static String featureList(int features) {
    return IntStream.range(0, features)
        .mapToObj(i -> "f" + i)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  public static Path write(Path folder, String name, String yaml) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  /** A spec scoring the 32-feature MLP over {@code input} into {@code output}. */
  static String mlp(
      String name,
      Path model,
      Path input,
      String format,
      Path output,
      long rowsPerChunk,
      int features) {
    return mlp(
        name,
        model,
        format,
        input,
        featureList(features),
        output,
        """
        batch-size: 256
        rows-per-chunk: %d
        max-bad-row-fraction: 0.2
        retries: {task: 2, chunk: 1}
        """
            .formatted(rowsPerChunk),
        "master: local[2]");
  }

  /**
   * A spec scoring an MLP whose input {@code features} is bound to {@code features} (a column list
   * or {@code {column: vec}}), carrying {@code id}, with output {@code score}.
   *
   * @param execution the lines under {@code execution:}, unindented
   * @param resources the lines under {@code resources:}, unindented
   */
  public static String mlp(
      String name,
      Path model,
      String format,
      Path input,
      String features,
      Path output,
      String execution,
      String resources) {
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
        %s
        resources:
        %s
        """
        .formatted(
            name, model, features, format, input, output, block(execution), block(resources));
  }

  private static String block(String lines) {
    return lines.stripTrailing().indent(2).stripTrailing();
  }
}
