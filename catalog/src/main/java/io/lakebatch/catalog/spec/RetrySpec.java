package io.lakebatch.catalog.spec;

/**
 * {@code execution.retries}.
 *
 * @param task Spark task attempts before the stage fails ({@code spark.task.maxFailures})
 * @param chunk extra attempts of a chunk that failed with a transient error
 */
public record RetrySpec(int task, int chunk) {}
