package io.lakebatch.server.scheduling;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Prints the side-by-side comparison of FIFO, strict priority and fair share on one generated
 * trace: {@code SchedulerSimulationCommand [--jobs N] [--workers N] [--seed N]}.
 */
public final class SchedulerSimulationCommand {
  private SchedulerSimulationCommand() {}

  public static void main(String[] args) {
    TraceShape shape;
    try {
      shape = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: SchedulerSimulationCommand [--jobs N] [--workers N] [--seed N]");
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    long cpuStarted = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    SimulationTrace trace = TraceGenerator.generate(shape);
    SchedulerConfig config = SchedulerConfig.defaults().withTenantShares(trace.shares());
    List<SimulationReport> reports =
        new SchedulerSimulation(trace)
            .runAll(
                List.of(
                    new FifoScheduler(),
                    new StrictPriorityScheduler(),
                    new FairShareScheduler(config)));
    System.out.printf(
        "%d jobs (%d chunks), %d tenants, %d workers, seed %d%n%n",
        shape.jobs(), trace.totalChunks(), shape.tenants(), shape.workers(), shape.seed());
    System.out.print(SimulationReport.table(reports));
    System.out.println();
    System.out.print(SimulationReport.tenantTable(reports));
    System.out.printf(
        "%nsimulated in %.1f s (%.1f s of CPU)%n",
        (System.nanoTime() - started) / 1e9,
        (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted) / 1e9);
  }

  /** The shape {@code args} ask for, from the defaults. */
  static TraceShape parse(String[] args) {
    TraceShape defaults = TraceShape.defaults();
    int jobs = defaults.jobs();
    int workers = defaults.workers();
    long seed = defaults.seed();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("Missing value after " + flag);
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--jobs" -> jobs = Integer.parseInt(value);
          case "--workers" -> workers = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          default -> throw new IllegalArgumentException("Unknown option " + flag);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid number for %s: %s".formatted(flag, value), e);
      }
    }
    return defaults.withScale(jobs, workers, seed);
  }
}
