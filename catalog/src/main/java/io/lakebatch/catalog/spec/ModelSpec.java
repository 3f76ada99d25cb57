package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model to run and how its inputs and outputs map to columns.
 *
 * @param path local path or Hadoop-filesystem URI of the ONNX file
 * @param inputs model input name to binding, in spec order
 * @param outputs model output name to output column; empty means every output under its own name
 */
public record ModelSpec(String path, Map<String, InputBinding> inputs, Map<String, String> outputs) {
  public ModelSpec {
    requireNonNull(path, "path is null");
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(inputs, "inputs is null")));
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(outputs, "outputs is null")));
  }
}
