package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.registry.ModelRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model to run and how its inputs and outputs map to columns.
 *
 * @param path local path or Hadoop-filesystem URI of the ONNX file; empty when the spec names a
 *     registered model by {@code ref} and it has not been resolved yet
 * @param ref the catalog reference ({@code model.ref}), if the spec gave one instead of a path
 * @param inputs model input name to binding, in spec order
 * @param outputs model output name to output column; empty means every output under its own name
 */
public record ModelSpec(
    Optional<String> path,
    Optional<ModelRef> ref,
    Map<String, InputBinding> inputs,
    Map<String, String> outputs) {
  public ModelSpec {
    requireNonNull(path, "path is null");
    requireNonNull(ref, "ref is null");
    if (path.isEmpty() && ref.isEmpty()) {
      throw new IllegalArgumentException("a model needs a path or a ref");
    }
    inputs =
        Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(inputs, "inputs is null")));
    outputs =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(requireNonNull(outputs, "outputs is null")));
  }

  /** A model given by its file. */
  public static ModelSpec ofPath(
      String path, Map<String, InputBinding> inputs, Map<String, String> outputs) {
    return new ModelSpec(Optional.of(path), Optional.empty(), inputs, outputs);
  }

  /** This model with its registered file filled in (the reference is kept). */
  public ModelSpec resolvedTo(String uri) {
    return new ModelSpec(Optional.of(uri), ref, inputs, outputs);
  }

  /** The file to load; fails if the reference has not been resolved. */
  public String file() {
    return path.orElseThrow(
        () -> new IllegalStateException("model.ref " + ref.orElseThrow() + " is not resolved"));
  }
}
