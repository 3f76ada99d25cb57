package io.lakebatch.catalog.jobs;

/**
 * The outcome of {@link JobStore#submit}: the stored job, and whether this submission created it
 * (false: an earlier submission with the same idempotency key and body did).
 */
public record Submission(ServerJob job, boolean created) {}
