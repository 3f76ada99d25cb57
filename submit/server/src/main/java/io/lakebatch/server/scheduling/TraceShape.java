package io.lakebatch.server.scheduling;

/**
 * The knobs of {@link TraceGenerator}.
 *
 * @param jobs how many jobs, positive
 * @param tenants how many tenants, positive
 * @param workers how many workers (see {@link ClusterShape#standard}), positive
 * @param seed the random seed; the same shape always gives the same trace
 * @param load offered work over cluster capacity during the arrival period, positive
 * @param failureEveryMillis one worker fails this often, positive
 * @param failureDownMillis how long a failed worker stays down, positive
 * @param gpuFraction the fraction of jobs whose chunks need a GPU, 0..1
 * @param memoryHeavyFraction the fraction of CPU jobs of at most 4 cores per chunk that need 8 GiB
 *     per core instead of 4, 0..1
 */
public record TraceShape(
    int jobs,
    int tenants,
    int workers,
    long seed,
    double load,
    long failureEveryMillis,
    long failureDownMillis,
    double gpuFraction,
    double memoryHeavyFraction) {
  /** 10,000 jobs. */
  public static final int DEFAULT_JOBS = 10_000;

  /** 20 tenants. */
  public static final int DEFAULT_TENANTS = 20;

  /** 100 workers. */
  public static final int DEFAULT_WORKERS = 100;

  /** Seed 42. */
  public static final long DEFAULT_SEED = 42;

  /** Offered work 1.1 times the capacity: queues build up and drain after the last arrival. */
  public static final double DEFAULT_LOAD = 1.1;

  /** A failure every 20 minutes. */
  public static final long DEFAULT_FAILURE_EVERY_MILLIS = 20 * 60_000;

  /** A failed worker is back after 10 minutes. */
  public static final long DEFAULT_FAILURE_DOWN_MILLIS = 10 * 60_000;

  /** 8% of jobs need GPUs. */
  public static final double DEFAULT_GPU_FRACTION = 0.08;

  /** 20% of small CPU jobs are memory-heavy. */
  public static final double DEFAULT_MEMORY_HEAVY_FRACTION = 0.2;

  public TraceShape {
    if (jobs < 1 || tenants < 1 || workers < 1) {
      throw new IllegalArgumentException(
          "Invalid trace shape (jobs %d, tenants %d, workers %d; each must be positive)"
              .formatted(jobs, tenants, workers));
    }
    if (!(load > 0) || failureEveryMillis <= 0 || failureDownMillis <= 0) {
      throw new IllegalArgumentException(
          "Invalid trace shape (load %s, failure every %d ms, down %d ms; each must be positive)"
              .formatted(load, failureEveryMillis, failureDownMillis));
    }
    if (!(gpuFraction >= 0 && gpuFraction <= 1)
        || !(memoryHeavyFraction >= 0 && memoryHeavyFraction <= 1)) {
      throw new IllegalArgumentException(
          "Invalid trace shape (GPU fraction %s, memory-heavy fraction %s; each must be in 0..1)"
              .formatted(gpuFraction, memoryHeavyFraction));
    }
  }

  /** The default shape. */
  public static TraceShape defaults() {
    return new TraceShape(
        DEFAULT_JOBS,
        DEFAULT_TENANTS,
        DEFAULT_WORKERS,
        DEFAULT_SEED,
        DEFAULT_LOAD,
        DEFAULT_FAILURE_EVERY_MILLIS,
        DEFAULT_FAILURE_DOWN_MILLIS,
        DEFAULT_GPU_FRACTION,
        DEFAULT_MEMORY_HEAVY_FRACTION);
  }

  /** This shape at another scale. */
  public TraceShape withScale(int jobCount, int workerCount, long randomSeed) {
    return new TraceShape(
        jobCount,
        tenants,
        workerCount,
        randomSeed,
        load,
        failureEveryMillis,
        failureDownMillis,
        gpuFraction,
        memoryHeavyFraction);
  }

  /** This shape with another number of tenants. */
  public TraceShape withTenants(int tenantCount) {
    return new TraceShape(
        jobs,
        tenantCount,
        workers,
        seed,
        load,
        failureEveryMillis,
        failureDownMillis,
        gpuFraction,
        memoryHeavyFraction);
  }

  /** This shape with another load. */
  public TraceShape withLoad(double offered) {
    return new TraceShape(
        jobs,
        tenants,
        workers,
        seed,
        offered,
        failureEveryMillis,
        failureDownMillis,
        gpuFraction,
        memoryHeavyFraction);
  }

  /**
   * This shape with every chunk on CPU at 4 GiB per core, so dominant shares are core shares and
   * DRF's fairness shows directly in core-seconds.
   */
  public TraceShape withUniformChunks() {
    return new TraceShape(
        jobs, tenants, workers, seed, load, failureEveryMillis, failureDownMillis, 0, 0);
  }
}
