package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

/**
 * A tenant's claim on the cluster, as a dominant share (see {@link Demand#dominantShare}).
 *
 * @param tenant the tenant
 * @param weight its weight in fair sharing, positive: a tenant of weight 2 is entitled to twice the
 *     share of a tenant of weight 1 while both have work
 * @param guaranteed the share it gets before weights count, 0..1; the fair-share scheduler preempts
 *     other tenants to give it this much
 * @param maximum the share it never exceeds, even on an idle cluster, (0..1], at least {@code
 *     guaranteed}
 */
public record TenantShare(String tenant, double weight, double guaranteed, double maximum) {
  public TenantShare {
    requireNonNull(tenant, "tenant is null");
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "Invalid weight for tenant %s (not positive): %s".formatted(tenant, weight));
    }
    if (!(guaranteed >= 0 && guaranteed <= 1)) {
      throw new IllegalArgumentException(
          "Invalid guaranteed share for tenant %s (not in 0..1): %s".formatted(tenant, guaranteed));
    }
    if (!(maximum > 0 && maximum <= 1)) {
      throw new IllegalArgumentException(
          "Invalid maximum share for tenant %s (not in (0..1]): %s".formatted(tenant, maximum));
    }
    if (guaranteed > maximum) {
      throw new IllegalArgumentException(
          "Invalid shares for tenant %s (guaranteed %s above maximum %s)"
              .formatted(tenant, guaranteed, maximum));
    }
  }

  /** Weight {@code weight}, nothing guaranteed, no maximum. */
  public static TenantShare weighted(String tenant, double weight) {
    return new TenantShare(tenant, weight, 0, 1);
  }

  /** The same share for another tenant. */
  public TenantShare forTenant(String other) {
    return new TenantShare(other, weight, guaranteed, maximum);
  }
}
