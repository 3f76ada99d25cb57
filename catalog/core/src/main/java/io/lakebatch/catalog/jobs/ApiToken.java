package io.lakebatch.catalog.jobs;

import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token of the server's API as stored: only its SHA-256 is kept, never the secret.
 *
 * @param id public handle ({@code tok-} and 8 hex digits), for listing and revoking
 * @param admin an admin sees and cancels every tenant's jobs and manages tokens
 */
public record ApiToken(
    String id, String tenant, boolean admin, Instant createdAt, Optional<Instant> revokedAt) {}
