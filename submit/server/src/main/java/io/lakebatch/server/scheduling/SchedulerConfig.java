package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of the scheduling core, with its default in {@link #defaults()}.
 *
 * @param agingMillisPerPoint the aging rate: a waiting job gains one point per this many
 *     milliseconds (see {@link AgingPriority})
 * @param maxAgingBoost the most points aging adds, not negative
 * @param tenantShares the shares of named tenants, keyed by tenant
 * @param defaultShare the share of any other tenant (its {@code tenant} is ignored)
 * @param preemptionEnabled whether the fair-share scheduler stops running chunks for tenants under
 *     their guarantee and for waiting HIGH jobs
 * @param preemptionGraceMillis how long such work waits before it preempts anything, not negative
 * @param lendsIdleCapacity whether the fair-share scheduler lets tenants at their maximum share
 *     take more while no other tenant has a chunk waiting (work-conserving maxima: a maximum then
 *     binds only under contention, and the lent capacity returns as the chunks holding it end); off
 *     in {@link #defaults()}, where a maximum always binds
 */
public record SchedulerConfig(
    long agingMillisPerPoint,
    int maxAgingBoost,
    Map<String, TenantShare> tenantShares,
    TenantShare defaultShare,
    boolean preemptionEnabled,
    long preemptionGraceMillis,
    boolean lendsIdleCapacity) {
  /** One point per second of wait. */
  public static final long DEFAULT_AGING_MILLIS_PER_POINT = 1_000;

  /** Enough for a value-0 LOW job to reach a fresh HIGH job's base (after 2000 s). */
  public static final int DEFAULT_MAX_AGING_BOOST = AgingPriority.FULL_BOOST;

  /** One minute. */
  public static final long DEFAULT_PREEMPTION_GRACE_MILLIS = 60_000;

  public SchedulerConfig {
    requireNonNull(tenantShares, "tenantShares is null");
    requireNonNull(defaultShare, "defaultShare is null");
    tenantShares = Map.copyOf(tenantShares);
    tenantShares.forEach(
        (tenant, share) -> {
          if (!tenant.equals(share.tenant())) {
            throw new IllegalArgumentException(
                "Invalid tenant shares (key %s holds the share of %s)"
                    .formatted(tenant, share.tenant()));
          }
        });
    double guaranteed = tenantShares.values().stream().mapToDouble(TenantShare::guaranteed).sum();
    if (guaranteed > 1 + 1e-9) {
      throw new IllegalArgumentException(
          "Invalid tenant shares (guarantees add up to more than 1): " + guaranteed);
    }
    if (preemptionGraceMillis < 0) {
      throw new IllegalArgumentException(
          "Invalid preemption grace (negative): " + preemptionGraceMillis);
    }
    // Validates the aging settings.
    new AgingPriority(agingMillisPerPoint, maxAgingBoost);
  }

  /** These settings with maxima that always bind (no idle capacity lent). */
  public SchedulerConfig(
      long agingMillisPerPoint,
      int maxAgingBoost,
      Map<String, TenantShare> tenantShares,
      TenantShare defaultShare,
      boolean preemptionEnabled,
      long preemptionGraceMillis) {
    this(
        agingMillisPerPoint,
        maxAgingBoost,
        tenantShares,
        defaultShare,
        preemptionEnabled,
        preemptionGraceMillis,
        false);
  }

  /** The defaults: every tenant of weight 1, no guarantees, preemption on. */
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(
        DEFAULT_AGING_MILLIS_PER_POINT,
        DEFAULT_MAX_AGING_BOOST,
        Map.of(),
        TenantShare.weighted("*", 1),
        true,
        DEFAULT_PREEMPTION_GRACE_MILLIS);
  }

  /** This configuration with {@code shares} for their tenants. */
  public SchedulerConfig withTenantShares(Collection<TenantShare> shares) {
    Map<String, TenantShare> byTenant = new LinkedHashMap<>();
    shares.forEach(s -> byTenant.put(s.tenant(), s));
    return new SchedulerConfig(
        agingMillisPerPoint,
        maxAgingBoost,
        byTenant,
        defaultShare,
        preemptionEnabled,
        preemptionGraceMillis,
        lendsIdleCapacity);
  }

  /** This configuration with preemption off. */
  public SchedulerConfig withoutPreemption() {
    return new SchedulerConfig(
        agingMillisPerPoint,
        maxAgingBoost,
        tenantShares,
        defaultShare,
        false,
        preemptionGraceMillis,
        lendsIdleCapacity);
  }

  /** This configuration with another preemption grace. */
  public SchedulerConfig withPreemptionGraceMillis(long graceMillis) {
    return new SchedulerConfig(
        agingMillisPerPoint,
        maxAgingBoost,
        tenantShares,
        defaultShare,
        preemptionEnabled,
        graceMillis,
        lendsIdleCapacity);
  }

  /**
   * This configuration with work-conserving maxima: a tenant at its maximum share may take idle
   * capacity while no other tenant has a chunk waiting (see {@link #lendsIdleCapacity()}).
   */
  public SchedulerConfig lendingIdleCapacity() {
    return new SchedulerConfig(
        agingMillisPerPoint,
        maxAgingBoost,
        tenantShares,
        defaultShare,
        preemptionEnabled,
        preemptionGraceMillis,
        true);
  }

  /** The share of {@code tenant}. */
  public TenantShare shareOf(String tenant) {
    TenantShare share = tenantShares.get(tenant);
    return share != null ? share : defaultShare.forTenant(tenant);
  }

  /** The aging these settings describe. */
  public AgingPriority agingPriority() {
    return new AgingPriority(agingMillisPerPoint, maxAgingBoost);
  }
}
