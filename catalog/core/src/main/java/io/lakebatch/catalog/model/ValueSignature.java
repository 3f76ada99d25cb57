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
 * @param dimNames the symbolic name of each of {@code dims} ({@code ""} when unnamed), or empty
 *     when the names are not known
 */
public record ValueSignature(
    String name,
    ValueKind kind,
    ElementType element,
    List<Long> dims,
    ElementType mapKey,
    List<String> dimNames) {
  public ValueSignature {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(element, "element is null");
    dims = List.copyOf(requireNonNull(dims, "dims is null"));
    requireNonNull(mapKey, "mapKey is null");
    dimNames = List.copyOf(requireNonNull(dimNames, "dimNames is null"));
    if (!dimNames.isEmpty() && dimNames.size() != dims.size()) {
      throw new IllegalArgumentException(
          "Invalid dimension names " + dimNames + " for dims " + dims);
    }
  }

  /** A value whose dimension names are not known. */
  public ValueSignature(
      String name, ValueKind kind, ElementType element, List<Long> dims, ElementType mapKey) {
    this(name, kind, element, dims, mapKey, List.of());
  }

  public static ValueSignature tensor(String name, ElementType element, List<Long> dims) {
    return new ValueSignature(name, ValueKind.TENSOR, element, dims, ElementType.OTHER);
  }

  /** A tensor with symbolic dimension names ({@code ""} for an unnamed one). */
  public static ValueSignature tensor(
      String name, ElementType element, List<Long> dims, List<String> dimNames) {
    return new ValueSignature(name, ValueKind.TENSOR, element, dims, ElementType.OTHER, dimNames);
  }

  /** The symbolic name of dimension {@code index}, {@code ""} when unnamed or unknown. */
  public String dimName(int index) {
    return dimNames.isEmpty() ? "" : dimNames.get(index);
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
