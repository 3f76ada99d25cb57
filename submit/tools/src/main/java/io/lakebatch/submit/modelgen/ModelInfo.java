package io.lakebatch.submit.modelgen;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ModelGenerator} wrote: the file and the graph's input and output names, in graph
 * order.
 */
public record ModelInfo(
    ModelKind kind,
    Path path,
    List<String> inputNames,
    List<String> outputNames,
    String description) {

  public ModelInfo {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    inputNames = List.copyOf(inputNames);
    outputNames = List.copyOf(outputNames);
    Objects.requireNonNull(description, "description");
  }
}
