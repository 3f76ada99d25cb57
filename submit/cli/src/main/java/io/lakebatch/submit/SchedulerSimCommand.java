package io.lakebatch.submit;

import io.lakebatch.server.scheduling.SchedulerComparison;
import io.lakebatch.server.scheduling.TraceShape;
import io.lakebatch.submit.catalog.HelpOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakebatch scheduler-sim}: the server's scheduling core on a simulated cluster, FIFO,
 * strict priority and fair share side by side on one generated trace (no Spark, a fake clock), and
 * fair share once more scheduling whole jobs instead of chunks.
 */
@Command(
    name = "scheduler-sim",
    description =
        "Simulate a cluster (100 workers x 16 cores, some with GPUs, worker failures) under a"
            + " generated trace of jobs from 20 tenants, and compare FIFO, strict priority and fair"
            + " share (chunk by chunk, and in whole jobs): core and memory utilization, completion"
            + " times per class, low-priority wait, tenant shares, preemptions and lost work.")
public final class SchedulerSimCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Option(
      names = "--jobs",
      defaultValue = "" + TraceShape.DEFAULT_JOBS,
      description = "jobs in the trace (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(
      names = "--workers",
      defaultValue = "" + TraceShape.DEFAULT_WORKERS,
      description = "workers (default ${DEFAULT-VALUE})")
  int workers;

  @Option(
      names = "--seed",
      defaultValue = "" + TraceShape.DEFAULT_SEED,
      description = "the trace's random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    SchedulerComparison.run(TraceShape.defaults().withScale(jobs, workers, seed), System.out);
    return 0;
  }
}
