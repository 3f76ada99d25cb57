package io.lakebatch.server.scheduling;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * FIFO, strict priority and fair share side by side on one generated trace ({@code lakebatch
 * scheduler-sim}): the same jobs, the same worker failures, each scheduler's report; and fair share
 * once more in job granularity ({@link SchedulerSimulation#runWholeJobs}), as a server that
 * schedules whole jobs would run the trace. Fair share runs with work-conserving maxima ({@link
 * SchedulerConfig#lendingIdleCapacity()}), which the output names.
 */
public final class SchedulerComparison {
  private SchedulerComparison() {}

  /** Runs the four variants on the trace {@code shape} describes and prints the tables. */
  public static List<SimulationReport> run(TraceShape shape, PrintStream out) {
    long started = System.nanoTime();
    long cpuStarted = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    SimulationTrace trace = TraceGenerator.generate(shape);
    SchedulerConfig config =
        SchedulerConfig.defaults().withTenantShares(trace.shares()).lendingIdleCapacity();
    SchedulerSimulation simulation = new SchedulerSimulation(trace);
    List<SimulationReport> reports =
        new ArrayList<>(
            simulation.runAll(
                List.of(
                    new FifoScheduler(),
                    new StrictPriorityScheduler(),
                    new FairShareScheduler(config))));
    reports.add(simulation.runWholeJobs(new FairShareScheduler(config)));
    out.printf(
        "%d jobs (%d chunks), %d tenants, %d workers, seed %d%n%n",
        shape.jobs(), trace.totalChunks(), shape.tenants(), shape.workers(), shape.seed());
    out.printf(
        "fair share: maxima %s; preemption %s%n%n",
        config.lendsIdleCapacity()
            ? "work-conserving (lend idle capacity while no other tenant waits)"
            : "always binding",
        config.preemptionEnabled() ? "on" : "off");
    out.print(SimulationReport.table(reports));
    out.println();
    out.print(SimulationReport.tenantTable(reports));
    out.printf(
        "%nsimulated in %.1f s (%.1f s of CPU)%n",
        (System.nanoTime() - started) / 1e9,
        (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted) / 1e9);
    out.flush();
    return reports;
  }
}
