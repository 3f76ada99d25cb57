package io.lakebatch.catalog.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What the driver knows about a run once its input is pinned and its model checked: everything the
 * run store records before the first chunk runs.
 *
 * @param modelName registry name when the model is registered (by {@code model.ref} or by its
 *     sha256)
 * @param chunkRows planned rows of each chunk, by chunk index
 */
public record NewRun(
    String runId,
    String name,
    String runKey,
    String specHash,
    String specText,
    String modelUri,
    Optional<String> modelName,
    Optional<Integer> modelVersion,
    String modelSha256,
    String inputPath,
    long inputVersion,
    String outputPath,
    String deadLetterPath,
    int batchSize,
    List<Long> chunkRows) {
  public NewRun {
    requireNonNull(runId, "runId is null");
    requireNonNull(name, "name is null");
    requireNonNull(runKey, "runKey is null");
    requireNonNull(specHash, "specHash is null");
    requireNonNull(specText, "specText is null");
    requireNonNull(modelUri, "modelUri is null");
    requireNonNull(modelName, "modelName is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(modelSha256, "modelSha256 is null");
    requireNonNull(inputPath, "inputPath is null");
    requireNonNull(outputPath, "outputPath is null");
    requireNonNull(deadLetterPath, "deadLetterPath is null");
    chunkRows = List.copyOf(chunkRows);
  }

  public long rowsTotal() {
    return chunkRows.stream().mapToLong(Long::longValue).sum();
  }
}
