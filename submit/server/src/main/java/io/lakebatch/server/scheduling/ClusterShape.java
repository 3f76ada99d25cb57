package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A simulated cluster: {@code workers} equal workers, the first {@code gpuWorkers} of them with
 * {@code gpusPerGpuWorker} GPUs each.
 *
 * @param workers how many workers, positive
 * @param worker what each worker offers without GPUs
 * @param gpuWorkers how many of them have GPUs, 0..workers
 * @param gpusPerGpuWorker GPUs on each such worker, not negative
 */
public record ClusterShape(int workers, Demand worker, int gpuWorkers, int gpusPerGpuWorker) {
  public ClusterShape {
    requireNonNull(worker, "worker is null");
    if (workers < 1) {
      throw new IllegalArgumentException("Invalid worker count (less than 1): " + workers);
    }
    if (gpuWorkers < 0 || gpuWorkers > workers) {
      throw new IllegalArgumentException(
          "Invalid GPU worker count (not in 0..%d): %d".formatted(workers, gpuWorkers));
    }
    if (gpusPerGpuWorker < 0) {
      throw new IllegalArgumentException("Invalid GPUs per worker (negative): " + gpusPerGpuWorker);
    }
  }

  /** {@code workers} of 16 cores and 64 GiB, one in five (at least one) with 4 GPUs. */
  public static ClusterShape standard(int workers) {
    return new ClusterShape(workers, new Demand(16, 64 * 1024, 0), Math.max(1, workers / 5), 4);
  }

  /** Whether a chunk of {@code demand} fits on some worker of this shape. */
  public boolean canEverRun(Demand demand) {
    Demand largest = gpuWorkers > 0 ? worker.plus(new Demand(0, 0, gpusPerGpuWorker)) : worker;
    return demand.fitsIn(largest);
  }

  /** An idle pool of these workers. */
  public WorkerPool pool() {
    List<Demand> all = new ArrayList<>(workers);
    Demand gpuWorker = worker.plus(new Demand(0, 0, gpusPerGpuWorker));
    for (int w = 0; w < workers; w++) {
      all.add(w < gpuWorkers ? gpuWorker : worker);
    }
    return WorkerPool.of(all);
  }
}
