package io.lakebatch.catalog.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.ExecutionMode;
import java.util.List;
import java.util.Optional;

/**
 * A job submitted to the server, validated, before it is stored.
 *
 * @param tenant the submitting token's tenant
 * @param name the spec's {@code name}
 * @param idempotencyKey the submission's {@code Idempotency-Key}, unique per tenant
 * @param bodySha256 hex digest of the submitted body: the same key with another body is refused
 * @param specText the spec as submitted (YAML or JSON)
 * @param priority the spec's priority class ({@code high}, {@code normal}, {@code low})
 * @param cores the cores the job asks for (its executors times executor cores), for admission
 * @param executionMode where the server runs it (the spec's, else the server's default)
 * @param dependsOn the jobs (ids or the tenant's idempotency keys) that must succeed first
 */
public record NewJob(
    String tenant,
    String name,
    Optional<String> idempotencyKey,
    String bodySha256,
    String specText,
    String priority,
    int cores,
    ExecutionMode executionMode,
    List<String> dependsOn) {
  public NewJob {
    requireNonNull(tenant, "tenant is null");
    requireNonNull(name, "name is null");
    requireNonNull(idempotencyKey, "idempotencyKey is null");
    requireNonNull(bodySha256, "bodySha256 is null");
    requireNonNull(specText, "specText is null");
    requireNonNull(priority, "priority is null");
    requireNonNull(executionMode, "executionMode is null");
    dependsOn = List.copyOf(dependsOn);
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1: " + cores);
    }
  }
}
