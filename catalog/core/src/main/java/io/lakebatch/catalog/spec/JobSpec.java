package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A validated job spec (SPEC.md). Built by {@link JobSpecParser} or {@link #builder}; every field
 * is present, defaults already applied from {@link SpecDefaults}.
 *
 * @param dependsOn on a job server, the jobs (ids or the same tenant's idempotency keys) that must
 *     end SUCCEEDED before this one starts; {@code lakebatch run} ignores it
 */
public record JobSpec(
    String name,
    ModelSpec model,
    InputSpec input,
    OutputSpec output,
    ExecutionSpec execution,
    ResourceSpec resources,
    JobPriority priority,
    List<String> dependsOn) {
  public JobSpec {
    requireNonNull(name, "name is null");
    requireNonNull(model, "model is null");
    requireNonNull(input, "input is null");
    requireNonNull(output, "output is null");
    requireNonNull(execution, "execution is null");
    requireNonNull(resources, "resources is null");
    requireNonNull(priority, "priority is null");
    dependsOn = List.copyOf(dependsOn);
  }

  /** A spec of the default priority ({@code normal}) that depends on no other job. */
  public JobSpec(
      String name,
      ModelSpec model,
      InputSpec input,
      OutputSpec output,
      ExecutionSpec execution,
      ResourceSpec resources) {
    this(name, model, input, output, execution, resources, JobPriority.DEFAULT, List.of());
  }

  /**
   * A spec built in code, validated by the parser's rules when built (see {@link JobSpecBuilder}).
   */
  public static JobSpecBuilder builder(String name) {
    return new JobSpecBuilder(name);
  }
}
