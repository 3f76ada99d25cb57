package io.lakebatch.server.scheduling;

import io.lakebatch.catalog.spec.Priority;
import io.lakebatch.server.scheduling.SimulationTrace.TracedJob;
import io.lakebatch.server.scheduling.SimulationTrace.WorkerFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic synthetic trace. Tenants {@code tenant-00..} submit with Zipf-like skew (tenant i
 * at rate ∝ 1/(i+1)). Job sizes are log-normal: chunk count median 8 (at most 400), chunk duration
 * median 60 s (5 s to 15 min). A {@link TraceShape#gpuFraction()} of jobs need a GPU per chunk (4
 * cores, 16 GiB, 1 GPU); the other chunks take 1, 2, 4 or 8 cores at 4 GiB per core, or 8 GiB per
 * core for a {@link TraceShape#memoryHeavyFraction()} of those up to 4 cores. Priorities are 10%
 * HIGH, 55% NORMAL, 35% LOW, values uniform. Arrivals are Poisson, scaled so the offered work is
 * {@link TraceShape#load()} times the cluster's cores over the arrival period. One random worker
 * fails at each failure interval until twice that period. Tenant weights cycle 1, 1, 2, 3;
 * tenant-03 is guaranteed 15%, tenant-07 10%; tenant-00 may use at most 50%.
 */
public final class TraceGenerator {
  private static final int MAX_CHUNKS = 400;
  private static final long MIN_CHUNK_MILLIS = 5_000;
  private static final long MAX_CHUNK_MILLIS = 15 * 60_000;

  private TraceGenerator() {}

  /** The trace of {@code shape}. */
  public static SimulationTrace generate(TraceShape shape) {
    Random random = new Random(shape.seed());
    ClusterShape cluster = ClusterShape.standard(shape.workers());
    double[] cumulative = zipf(shape.tenants());
    List<Draft> drafts = new ArrayList<>(shape.jobs());
    long work = 0;
    for (int i = 0; i < shape.jobs(); i++) {
      Draft draft = draft(random, cumulative, shape);
      drafts.add(draft);
      work += draft.chunks * draft.chunkMillis * draft.demand.cores();
    }
    double arrivalSpan = work / (shape.load() * cluster.pool().capacity().cores());
    double meanGap = arrivalSpan / shape.jobs();
    List<TracedJob> jobs = new ArrayList<>(shape.jobs());
    double clock = 0;
    for (int i = 0; i < drafts.size(); i++) {
      Draft d = drafts.get(i);
      SchedulableJob job =
          SchedulableJob.fresh(
              "j-%05d".formatted(i),
              tenantName(d.tenant),
              d.priority,
              d.value,
              Math.round(clock),
              d.demand,
              d.chunks);
      jobs.add(new TracedJob(job, d.chunkMillis));
      clock += -Math.log(1 - random.nextDouble()) * meanGap;
    }
    List<WorkerFailure> failures = new ArrayList<>();
    for (long at = shape.failureEveryMillis();
        at < 2 * arrivalSpan;
        at += shape.failureEveryMillis()) {
      failures.add(
          new WorkerFailure(at, random.nextInt(shape.workers()), shape.failureDownMillis()));
    }
    return new SimulationTrace(cluster, jobs, failures, shares(shape.tenants()));
  }

  /** The share table described in the class comment. */
  public static List<TenantShare> shares(int tenants) {
    List<TenantShare> shares = new ArrayList<>(tenants);
    int[] weights = {1, 1, 2, 3};
    for (int i = 0; i < tenants; i++) {
      double guaranteed = i == 3 ? 0.15 : i == 7 ? 0.10 : 0;
      double maximum = i == 0 ? 0.50 : 1;
      shares.add(new TenantShare(tenantName(i), weights[i % weights.length], guaranteed, maximum));
    }
    return shares;
  }

  /** {@code tenant-07} for 7. */
  public static String tenantName(int index) {
    return "tenant-%02d".formatted(index);
  }

  private static double[] zipf(int tenants) {
    double[] cumulative = new double[tenants];
    double sum = 0;
    for (int i = 0; i < tenants; i++) {
      sum += 1.0 / (i + 1);
      cumulative[i] = sum;
    }
    for (int i = 0; i < tenants; i++) {
      cumulative[i] /= sum;
    }
    return cumulative;
  }

  private static Draft draft(Random random, double[] cumulative, TraceShape shape) {
    double u = random.nextDouble();
    int tenant = 0;
    while (tenant < cumulative.length - 1 && u > cumulative[tenant]) {
      tenant++;
    }
    double p = random.nextDouble();
    Priority priority = p < 0.10 ? Priority.HIGH : p < 0.65 ? Priority.NORMAL : Priority.LOW;
    int value = random.nextInt(SchedulableJob.MAX_VALUE + 1);
    Demand demand;
    if (random.nextDouble() < shape.gpuFraction()) {
      demand = new Demand(4, 16 * 1024, 1);
    } else {
      double c = random.nextDouble();
      int cores = c < 0.3 ? 1 : c < 0.6 ? 2 : c < 0.9 ? 4 : 8;
      boolean heavy = cores <= 4 && random.nextDouble() < shape.memoryHeavyFraction();
      int memoryPerCore = heavy ? 8 * 1024 : 4 * 1024;
      demand = new Demand(cores, (long) cores * memoryPerCore, 0);
    }
    int chunks = (int) Math.min(MAX_CHUNKS, Math.max(1, Math.round(logNormal(random, 8, 1.0))));
    long chunkMillis =
        Math.min(
            MAX_CHUNK_MILLIS,
            Math.max(MIN_CHUNK_MILLIS, Math.round(logNormal(random, 60_000, 0.7))));
    return new Draft(tenant, priority, value, demand, chunks, chunkMillis);
  }

  private static double logNormal(Random random, double median, double sigma) {
    return median * Math.exp(sigma * random.nextGaussian());
  }

  private record Draft(
      int tenant, Priority priority, int value, Demand demand, int chunks, long chunkMillis) {}
}
