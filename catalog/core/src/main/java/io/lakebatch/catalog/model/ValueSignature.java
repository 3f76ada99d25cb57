package io.lakebatch.catalog.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A model input or output as declared in the ONNX graph.
 *
 * @param dims tensor dimensions, {@code -1} for a dynamic one (empty for non-tensors)
 * @param element tensor element type, or the map value type of a sequence of maps
 * @param mapKey the map key type of a sequence of maps, else {@link ElementType#OTHER}
 */
public record ValueSignature(
    String name, ValueKind kind, ElementType element, List<Long> dims, ElementType mapKey) {
  public ValueSignature {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(element, "element is null");
    dims = List.copyOf(requireNonNull(dims, "dims is null"));
    requireNonNull(mapKey, "mapKey is null");
  }

  public static ValueSignature tensor(String name, ElementType element, List<Long> dims) {
    return new ValueSignature(name, ValueKind.TENSOR, element, dims, ElementType.OTHER);
  }

  public String describe() {
    return switch (kind) {
      case TENSOR ->
          element.displayName()
              + dims.stream()
                  .map(d -> d < 0 ? "N" : Long.toString(d))
                  .collect(Collectors.joining(",", "[", "]"));
      case SEQUENCE_OF_MAPS ->
          "seq(map(" + mapKey.displayName() + "," + element.displayName() + "))";
      case OTHER -> "unsupported value";
    };
  }
}
