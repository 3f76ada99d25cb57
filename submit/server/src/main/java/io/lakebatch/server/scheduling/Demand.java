package io.lakebatch.server.scheduling;

/**
 * An amount of cluster resources: what one chunk asks for, what a worker offers, or what a tenant
 * holds. Immutable; arithmetic returns new values.
 *
 * @param cores CPU cores, not negative
 * @param memoryMb memory in MiB, not negative
 * @param gpus GPUs, not negative
 */
public record Demand(int cores, long memoryMb, int gpus) {
  /** Nothing. */
  public static final Demand ZERO = new Demand(0, 0, 0);

  public Demand {
    if (cores < 0 || memoryMb < 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "Invalid demand (negative): cores=%d memoryMb=%d gpus=%d"
              .formatted(cores, memoryMb, gpus));
    }
  }

  /**
   * The largest fraction this demand takes of any one resource of {@code capacity} (the dominant
   * share of Dominant Resource Fairness). A resource the capacity lacks counts only when it is
   * asked for, and then as an infinite share.
   */
  public double dominantShare(Demand capacity) {
    double share = ratio(cores, capacity.cores);
    share = Math.max(share, ratio(memoryMb, capacity.memoryMb));
    return Math.max(share, ratio(gpus, capacity.gpus));
  }

  private static double ratio(long used, long available) {
    if (used == 0) {
      return 0;
    }
    return available == 0 ? Double.POSITIVE_INFINITY : (double) used / available;
  }

  /** This demand and {@code other} together. */
  public Demand plus(Demand other) {
    return new Demand(cores + other.cores, memoryMb + other.memoryMb, gpus + other.gpus);
  }

  /** This demand without {@code other}; fails when that would go negative. */
  public Demand minus(Demand other) {
    return new Demand(cores - other.cores, memoryMb - other.memoryMb, gpus - other.gpus);
  }

  /** {@code count} of this demand. */
  public Demand times(int count) {
    return new Demand(cores * count, memoryMb * count, gpus * count);
  }

  /** Whether this demand fits in {@code available} in every resource. */
  public boolean fitsIn(Demand available) {
    return cores <= available.cores && memoryMb <= available.memoryMb && gpus <= available.gpus;
  }
}
