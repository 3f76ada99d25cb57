package io.lakebatch.catalog.jobs;

import java.util.List;
import java.util.Optional;

/** The API's bearer tokens, per tenant, stored hashed. */
public interface TokenStore {

  /** A token and its secret, which is shown once and never stored. */
  record CreatedToken(ApiToken token, String secret) {}

  /** Creates a token for {@code tenant}; the secret is {@code lbt_} and 43 URL-safe characters. */
  CreatedToken create(String tenant, boolean admin);

  /** The live (not revoked) token whose secret this is. */
  Optional<ApiToken> authenticate(String secret);

  /** Every token, revoked ones too, oldest first. */
  List<ApiToken> list();

  /** Revokes a token; false when unknown or already revoked. */
  boolean revoke(String id);

  /** Whether any live admin token exists (a new server prints a first one when not). */
  boolean hasAdmin();
}
