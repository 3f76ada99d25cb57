package io.lakebatch.api;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.registry.ModelRef;
import io.lakebatch.catalog.registry.ModelRegistry;
import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.ModelHandle;
import io.lakebatch.udf.OrtSessionCache;
import io.lakebatch.udf.OrtSignatureReader;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model named by path or registry reference, loaded once on the driver to read its signature, the
 * way a job's preparation does: a reference resolves to its registered file, whose sha256 must
 * still be the registered one.
 *
 * @param label what messages call it: {@code name@version} or the path
 */
record ScoringModel(
    ModelHandle handle, String label, ModelSignature signature, Map<String, String> metadata) {
  private static final Pattern REF =
      Pattern.compile(ModelRef.NAME.pattern() + "@(latest|[1-9][0-9]*)");

  ScoringModel {
    metadata = Map.copyOf(metadata);
  }

  /**
   * Whether {@code model} is a registry reference ({@code name@version|latest}) rather than a path.
   */
  static boolean isReference(String model) {
    return REF.matcher(model).matches();
  }

  /**
   * @param registry where references are resolved; without one only paths are accepted
   * @param registryHint how to configure a registry, named in the error for a reference without one
   */
  static ScoringModel load(
      String model, Optional<ModelRegistry> registry, String registryHint, int intraOpThreads) {
    Optional<ModelVersion> registered = Optional.empty();
    String uri = model;
    if (isReference(model)) {
      ModelRegistry models =
          registry.orElseThrow(
              () ->
                  LakeBatchErrors.usage(
                      "model '"
                          + model
                          + "' is a registry reference (name@version), but no model registry is configured; "
                          + registryHint
                          + ", or give the model file's path"));
      registered = Optional.of(models.resolve(ModelRef.parse(model, "model")));
      uri = registered.get().uri();
    }
    byte[] bytes = ModelFiles.read(uri);
    String sha256 = ModelFiles.sha256(bytes);
    if (registered.isPresent() && !registered.get().sha256().equals(sha256)) {
      throw LakeBatchErrors.modelChanged(
          registered.get().label(), uri, registered.get().sha256(), sha256);
    }
    String label = registered.map(ModelVersion::label).orElse(uri);
    try (OrtSession session = OrtSessionCache.open(uri, bytes, intraOpThreads)) {
      return new ScoringModel(
          new ModelHandle(uri, sha256, intraOpThreads),
          label,
          OrtSignatureReader.read(session),
          OrtSignatureReader.metadata(session));
    } catch (OrtException e) {
      throw LakeBatchErrors.modelUnreadable(uri, e);
    }
  }
}
