package io.lakebatch.catalog.registry;

import io.lakebatch.catalog.model.ModelSignature;
import java.time.Instant;
import java.util.Optional;

/** One registered version of a model: where its file is, its digest and its signature. */
public record ModelVersion(
    String name,
    int version,
    String uri,
    String sha256,
    ModelSignature signature,
    Optional<String> description,
    String registeredBy,
    Instant registeredAt) {

  public String label() {
    return name + "@" + version;
  }
}
