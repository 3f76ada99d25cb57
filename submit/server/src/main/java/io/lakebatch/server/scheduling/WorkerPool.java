package io.lakebatch.server.scheduling;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The workers of a cluster and what each has free. Chunks are placed best-fit: CPU-only chunks on
 * workers without GPUs when one fits, so GPU workers stay free for GPU chunks; among the workers
 * where a chunk fits, the one it leaves the least memory free on (then the fewest GPUs, then the
 * fewest cores), so large holes stay whole for large chunks and chunks fill the cores that
 * memory-heavy neighbours leave over. A worker that is down offers nothing. Mutable; a scheduler
 * plans on a {@link #copy()}.
 */
public final class WorkerPool {
  private final Demand[] capacity;
  private final int[] freeCores;
  private final long[] freeMemoryMb;
  private final int[] freeGpus;
  private final boolean[] up;
  private final int[] cpuOrder;
  private final int[] gpuOrder;
  private Demand upCapacity;
  private int totalFreeCores;
  private long totalFreeMemoryMb;
  private int totalFreeGpus;

  private WorkerPool(List<Demand> workers) {
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("Invalid worker pool (no workers)");
    }
    capacity = workers.toArray(Demand[]::new);
    int n = capacity.length;
    freeCores = new int[n];
    freeMemoryMb = new long[n];
    freeGpus = new int[n];
    up = new boolean[n];
    cpuOrder =
        IntStream.concat(
                IntStream.range(0, n).filter(w -> capacity[w].gpus() == 0),
                IntStream.range(0, n).filter(w -> capacity[w].gpus() > 0))
            .toArray();
    gpuOrder = IntStream.range(0, n).filter(w -> capacity[w].gpus() > 0).toArray();
    upCapacity = Demand.ZERO;
    for (int w = 0; w < n; w++) {
      markUp(w);
    }
  }

  private WorkerPool(WorkerPool other) {
    capacity = other.capacity;
    cpuOrder = other.cpuOrder;
    gpuOrder = other.gpuOrder;
    freeCores = other.freeCores.clone();
    freeMemoryMb = other.freeMemoryMb.clone();
    freeGpus = other.freeGpus.clone();
    up = other.up.clone();
    upCapacity = other.upCapacity;
    totalFreeCores = other.totalFreeCores;
    totalFreeMemoryMb = other.totalFreeMemoryMb;
    totalFreeGpus = other.totalFreeGpus;
  }

  /** A pool of idle, running workers of these capacities. */
  public static WorkerPool of(List<Demand> workers) {
    return new WorkerPool(workers);
  }

  /** {@code count} idle workers of {@code each}. */
  public static WorkerPool uniform(int count, Demand each) {
    Demand[] workers = new Demand[count];
    Arrays.fill(workers, each);
    return new WorkerPool(List.of(workers));
  }

  /** An independent copy. */
  public WorkerPool copy() {
    return new WorkerPool(this);
  }

  /** How many workers there are, up or down. */
  public int size() {
    return capacity.length;
  }

  /** What worker {@code w} offers when up. */
  public Demand capacityOf(int w) {
    return capacity[w];
  }

  /** Whether worker {@code w} is up. */
  public boolean isUp(int w) {
    return up[w];
  }

  /** What worker {@code w} has free now. */
  public Demand freeOn(int w) {
    return new Demand(freeCores[w], freeMemoryMb[w], freeGpus[w]);
  }

  /** The capacity of the workers that are up. */
  public Demand capacity() {
    return upCapacity;
  }

  /** What all workers have free together. */
  public Demand free() {
    return new Demand(totalFreeCores, totalFreeMemoryMb, totalFreeGpus);
  }

  /** How many cores all workers have free together. */
  public int freeCores() {
    return totalFreeCores;
  }

  /** Whether {@code demand} fits on worker {@code w} now. */
  public boolean fitsOn(int w, Demand demand) {
    return demand.cores() <= freeCores[w]
        && demand.memoryMb() <= freeMemoryMb[w]
        && demand.gpus() <= freeGpus[w];
  }

  /** The worker a chunk of {@code demand} goes to now, or -1 when it fits nowhere. */
  public int place(Demand demand) {
    if (demand.cores() > totalFreeCores
        || demand.memoryMb() > totalFreeMemoryMb
        || demand.gpus() > totalFreeGpus) {
      return -1;
    }
    int best = -1;
    boolean bestHasGpus = true;
    for (int w : demand.gpus() > 0 ? gpuOrder : cpuOrder) {
      if (!fitsOn(w, demand)) {
        continue;
      }
      boolean hasGpus = capacity[w].gpus() > 0;
      if (best >= 0 && demand.gpus() == 0 && hasGpus && !bestHasGpus) {
        break; // cpuOrder lists GPU workers last: a worker without GPUs fits
      }
      if (best < 0 || tighter(w, best)) {
        best = w;
        bestHasGpus = hasGpus;
      }
    }
    return best;
  }

  /** Whether worker {@code w} has less free than {@code other}: memory, then GPUs, then cores. */
  private boolean tighter(int w, int other) {
    if (freeMemoryMb[w] != freeMemoryMb[other]) {
      return freeMemoryMb[w] < freeMemoryMb[other];
    }
    if (freeGpus[w] != freeGpus[other]) {
      return freeGpus[w] < freeGpus[other];
    }
    return freeCores[w] < freeCores[other];
  }

  /** Holds {@code demand} on worker {@code w}, which must have it free. */
  public void take(int w, Demand demand) {
    if (!up[w] || !fitsOn(w, demand)) {
      throw new IllegalStateException(
          "Cannot place %s on worker %d (free %s, up %s)".formatted(demand, w, freeOn(w), up[w]));
    }
    add(w, -demand.cores(), -demand.memoryMb(), -demand.gpus());
  }

  /** Frees {@code demand} on worker {@code w}. */
  public void release(int w, Demand demand) {
    if (!up[w] || !demand.plus(freeOn(w)).fitsIn(capacity[w])) {
      throw new IllegalStateException(
          "Cannot release %s on worker %d (free %s, up %s)".formatted(demand, w, freeOn(w), up[w]));
    }
    add(w, demand.cores(), demand.memoryMb(), demand.gpus());
  }

  /** Takes worker {@code w} out; it must hold nothing (release its chunks first). */
  public void markDown(int w) {
    if (!up[w] || !freeOn(w).equals(capacity[w])) {
      throw new IllegalStateException(
          "Cannot take worker %d down (free %s of %s, up %s)"
              .formatted(w, freeOn(w), capacity[w], up[w]));
    }
    add(w, -capacity[w].cores(), -capacity[w].memoryMb(), -capacity[w].gpus());
    up[w] = false;
    upCapacity = upCapacity.minus(capacity[w]);
  }

  /** Brings worker {@code w} back, idle. */
  public void markUp(int w) {
    if (up[w]) {
      throw new IllegalStateException("Worker %d is already up".formatted(w));
    }
    up[w] = true;
    upCapacity = upCapacity.plus(capacity[w]);
    add(w, capacity[w].cores(), capacity[w].memoryMb(), capacity[w].gpus());
  }

  private void add(int w, int cores, long memoryMb, int gpus) {
    freeCores[w] += cores;
    freeMemoryMb[w] += memoryMb;
    freeGpus[w] += gpus;
    totalFreeCores += cores;
    totalFreeMemoryMb += memoryMb;
    totalFreeGpus += gpus;
  }
}
