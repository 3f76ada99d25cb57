package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The input table.
 *
 * @param version Delta version to pin; empty means the latest at plan time (then pinned for the
 *     run)
 * @param filter Spark SQL predicate applied before inference
 * @param carry columns copied unchanged to the output (keys)
 */
public record InputSpec(
    TableFormat format,
    String path,
    OptionalLong version,
    Optional<String> filter,
    List<String> carry) {
  public InputSpec {
    requireNonNull(format, "format is null");
    requireNonNull(path, "path is null");
    requireNonNull(version, "version is null");
    requireNonNull(filter, "filter is null");
    carry = List.copyOf(requireNonNull(carry, "carry is null"));
  }

  /** The same input pinned at a resolved Delta version. */
  public InputSpec pinnedAt(long resolvedVersion) {
    return new InputSpec(format, path, OptionalLong.of(resolvedVersion), filter, carry);
  }
}
