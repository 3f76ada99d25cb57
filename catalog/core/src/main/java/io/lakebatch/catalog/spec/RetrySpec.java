package io.lakebatch.catalog.spec;

/**
 * {@code execution.retries}.
 *
 * @param task Spark task attempts before the stage fails ({@code spark.task.maxFailures})
 * @param chunk extra attempts of a chunk that failed with a transient error
 * @param job extra chunk attempts the whole run may spend; once used up, a failing chunk is
 *     recorded as failed at once (so a sick cluster cannot keep a run retrying for hours)
 */
public record RetrySpec(int task, int chunk, int job) {}
