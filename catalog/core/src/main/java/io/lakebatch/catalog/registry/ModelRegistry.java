package io.lakebatch.catalog.registry;

import io.lakebatch.catalog.model.ModelSignature;
import java.util.List;
import java.util.Optional;

/**
 * Registered models: {@code name@version} to file URI, sha256 and signature. Versions count up from
 * 1 per name and are never reused or changed.
 */
public interface ModelRegistry {

  /**
   * Registers the next version of {@code name}; two concurrent registrations get distinct versions.
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code usage} (USER) when {@code name}
   *     does not match {@link ModelRef#NAME}
   */
  ModelVersion register(
      String name,
      String uri,
      String sha256,
      ModelSignature signature,
      Optional<String> description,
      String registeredBy);

  /**
   * The version a reference names (the newest when it names none).
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException {@code modelNotRegistered} or {@code
   *     modelVersionNotFound} (USER), naming what is registered, when the name or the version is
   *     unknown
   */
  ModelVersion resolve(ModelRef ref);

  /** The newest registered version whose file had this digest, if any. */
  Optional<ModelVersion> findBySha256(String sha256);

  /** Every version of {@code name}, oldest first. */
  List<ModelVersion> versions(String name);

  /** The newest version of every model, by name. */
  List<ModelVersion> latestVersions();

  /** The names of the registered models, sorted. */
  List<String> names();
}
