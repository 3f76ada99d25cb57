package io.lakebatch.server.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lakebatch.catalog.spec.Priority;
import io.lakebatch.server.scheduling.SimulationTrace.TracedJob;
import io.lakebatch.server.scheduling.SimulationTrace.WorkerFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerSimulationTest {
  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final TraceShape SMALL = TraceShape.defaults().withScale(300, 10, 7);

  private static ChunkScheduler fairShare(SimulationTrace trace) {
    return new FairShareScheduler(SchedulerConfig.defaults().withTenantShares(trace.shares()));
  }

  static Stream<Arguments> schedulers() {
    return Stream.of(Arguments.of("fifo"), Arguments.of("strict"), Arguments.of("fair"));
  }

  private static ChunkScheduler scheduler(String name, SimulationTrace trace) {
    return switch (name) {
      case "fifo" -> new FifoScheduler();
      case "strict" -> new StrictPriorityScheduler();
      default -> fairShare(trace);
    };
  }

  @Test
  void theSameSeedGivesTheSameTraceAndTheSameReports() {
    SimulationTrace trace = TraceGenerator.generate(SMALL);
    assertThat(TraceGenerator.generate(SMALL)).isEqualTo(trace);
    assertThat(TraceGenerator.generate(SMALL.withScale(300, 10, 8))).isNotEqualTo(trace);

    List<ChunkScheduler> schedulers =
        List.of(new FifoScheduler(), new StrictPriorityScheduler(), fairShare(trace));
    List<SimulationReport> first = new SchedulerSimulation(trace).runAll(schedulers);
    List<SimulationReport> second = new SchedulerSimulation(trace).runAll(schedulers);

    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void everyChunkCompletesExactlyOnceAndOnlyInFlightWorkIsLost(String name) {
    SimulationTrace trace = TraceGenerator.generate(SMALL);

    SimulationReport report = new SchedulerSimulation(trace).run(scheduler(name, trace));

    assertThat(report.completedJobs()).isEqualTo(trace.jobs().size());
    assertThat(report.completedChunks()).isEqualTo(trace.totalChunks());
    assertThat(report.usefulCoreMillis()).isEqualTo(trace.usefulCoreMillis());
    assertThat(report.startedChunks() - report.completedChunks())
        .isEqualTo(report.preemptions() + report.failedChunks());
    assertThat(report.busyCoreMillis())
        .isEqualTo(
            report.usefulCoreMillis() + report.preemptedCoreMillis() + report.failedCoreMillis());
    assertThat(report.workerFailures()).isPositive();
    assertThat(report.failedChunks()).isPositive();
    assertThat(report.utilization()).isBetween(0.0, 1.0);
    if (!name.equals("fair")) {
      assertThat(report.preemptions()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void fairShareKeepsTenantsNearTheirWeightedShareAndFifoDoesNotDoBetter(long seed) {
    // CPU-only chunks at equal memory per core: dominant shares are core shares.
    SimulationTrace trace =
        TraceGenerator.generate(
            TraceShape.defaults().withScale(300, 10, seed).withTenants(5).withUniformChunks());

    SimulationReport fair = new SchedulerSimulation(trace).run(fairShare(trace));
    SimulationReport fifo = new SchedulerSimulation(trace).run(new FifoScheduler());

    assertThat(fair.tenantShares()).hasSize(5);
    // Fair shares divide the cores in use (a little less where a failure shrank the cluster
    // under a tenant at its maximum).
    assertThat(fair.tenantShares().stream().mapToDouble(u -> u.fairShare()).sum())
        .isBetween(0.99, 1.0 + 1e-9);
    assertThat(fair.maxShareDeviation()).isLessThan(0.05);
    assertThat(fifo.maxShareDeviation()).isGreaterThanOrEqualTo(fair.maxShareDeviation());
    // Moment by moment too, where too much at one time cannot make up for too little at another.
    assertThat(fifo.maxMeanGap()).isGreaterThan(fair.maxMeanGap());
    assertThat(fair.maxMeanGap()).isGreaterThanOrEqualTo(fair.maxShareDeviation() - 1e-9);
  }

  @Test
  void onTheMixedTraceFifoIsNoFairerEither() {
    SimulationTrace trace = TraceGenerator.generate(SMALL);

    SimulationReport fair = new SchedulerSimulation(trace).run(fairShare(trace));
    SimulationReport fifo = new SchedulerSimulation(trace).run(new FifoScheduler());

    assertThat(fifo.maxShareDeviation()).isGreaterThan(fair.maxShareDeviation());
    assertThat(fair.preemptions()).isPositive();
    assertThat(fair.preemptedCoreMillis()).isPositive();
  }

  @Test
  void agingBoundsTheWaitOfALowJobUnderAStreamOfNormalOnes() {
    // One core; a NORMAL job of value 99 arrives every 10 s and runs 10 s, for about 2.8 hours.
    List<TracedJob> jobs = new ArrayList<>();
    long chunk = 10 * SECOND;
    long lastNormal = 0;
    for (int i = 0; i <= 1000; i++) {
      long at = i * chunk;
      jobs.add(
          new TracedJob(
              SchedulableJob.fresh("n-" + i, "a", Priority.NORMAL, 99, at, oneCore(), 1), chunk));
      if (i == 0) {
        jobs.add(
            new TracedJob(
                SchedulableJob.fresh("low", "a", Priority.LOW, 0, 5 * SECOND, oneCore(), 1),
                chunk));
      }
      lastNormal = at;
    }
    SimulationTrace trace =
        new SimulationTrace(
            new ClusterShape(1, oneCore(), 0, 0),
            jobs,
            List.of(),
            List.of(TenantShare.weighted("a", 1)));
    SchedulerConfig config = SchedulerConfig.defaults().withTenantShares(trace.shares());
    long bound = config.agingPriority().maxWaitBeforeOvertaking(Priority.LOW).orElseThrow();

    SimulationReport fair = new SchedulerSimulation(trace).run(new FairShareScheduler(config));
    SimulationReport strict = new SchedulerSimulation(trace).run(new StrictPriorityScheduler());

    // It outranks fresh NORMAL work after the bound and starts at the next chunk boundary.
    assertThat(fair.maxLowWaitMillis())
        .isGreaterThanOrEqualTo(bound)
        .isLessThanOrEqualTo(bound + chunk);
    // Without aging it waits out the whole stream.
    assertThat(strict.maxLowWaitMillis()).isGreaterThan(lastNormal - 5 * SECOND);
  }

  @Test
  void aFailedWorkerLosesItsInFlightChunksWhichRunAgainWhenItIsBack() {
    Demand worker = new Demand(16, 64 * 1024, 0);
    SchedulableJob job = SchedulableJob.fresh("j", "a", Priority.NORMAL, 0, 0, oneCore(), 2);
    SimulationTrace trace =
        new SimulationTrace(
            new ClusterShape(1, worker, 0, 0),
            List.of(new TracedJob(job, 10 * MINUTE)),
            List.of(new WorkerFailure(5 * MINUTE, 0, MINUTE)),
            List.of(TenantShare.weighted("a", 1)));

    SimulationReport report = new SchedulerSimulation(trace).run(new FifoScheduler());

    assertThat(report.workerFailures()).isEqualTo(1);
    assertThat(report.failedChunks()).isEqualTo(2);
    assertThat(report.failedCoreMillis()).isEqualTo(2 * 5 * MINUTE);
    assertThat(report.startedChunks()).isEqualTo(4);
    assertThat(report.makespanMillis()).isEqualTo(16 * MINUTE);
    assertThat(report.completionP50Millis()).containsEntry(Priority.NORMAL, 16 * MINUTE);
  }

  @Test
  void theTablePutsTheSchedulersSideBySideInFixedWidth() {
    SimulationTrace trace = TraceGenerator.generate(SMALL.withScale(60, 4, 1));
    List<SimulationReport> reports =
        new SchedulerSimulation(trace)
            .runAll(List.of(new FifoScheduler(), new StrictPriorityScheduler(), fairShare(trace)));

    String table = SimulationReport.table(reports);
    List<String> lines = table.lines().toList();

    assertThat(lines.get(0)).contains("FIFO", "strict priority", "fair share");
    assertThat(lines.get(1)).matches("\\|[-| ]+\\|");
    assertThat(lines).allMatch(l -> l.length() == lines.get(0).length());
    assertThat(table)
        .contains(
            "wait of a low job p95 / max",
            "max tenant share deviation",
            "preemptions",
            "memory utilization");
    assertThat(lines).hasSize(2 + 15);

    List<String> tenantLines = SimulationReport.tenantTable(reports).lines().toList();
    assertThat(tenantLines).hasSize(2 + trace.shares().size());
    assertThat(tenantLines.get(2)).startsWith("| tenant-00 | 1 ");
    assertThat(tenantLines).allMatch(l -> l.length() == tenantLines.get(0).length());
  }

  @Test
  void aTraceWhoseChunkFitsNoWorkerIsRejected() {
    SchedulableJob gpu =
        SchedulableJob.fresh("g", "a", Priority.NORMAL, 0, 0, new Demand(1, 1, 1), 1);

    assertThatThrownBy(
            () ->
                new SimulationTrace(
                    new ClusterShape(2, new Demand(4, 4096, 0), 0, 0),
                    List.of(new TracedJob(gpu, SECOND)),
                    List.of(),
                    List.of(TenantShare.weighted("a", 1))))
        .hasMessageContaining("a chunk of job g")
        .hasMessageContaining("fits on no worker");
  }

  @Test
  void theComparisonPrintsEverySchedulerOnTheSameTrace() {
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    List<SimulationReport> reports =
        SchedulerComparison.run(
            TraceShape.defaults().withScale(200, 8, 5),
            new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));

    assertThat(reports).hasSize(4);
    assertThat(reports.get(3).scheduler()).isEqualTo("fair share, whole jobs");
    String table = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(table).contains("200 jobs").contains("FIFO").contains("fair share");
    assertThat(table).contains("fair share: maxima work-conserving");
    for (SimulationReport report : reports) {
      assertThat(table).contains(report.scheduler());
    }
  }

  @Test
  void wholeJobsRunTheirChunksOneAfterAnotherInThePlaceTheyHold() {
    Demand worker = new Demand(16, 64 * 1024, 0);
    SchedulableJob job = SchedulableJob.fresh("j", "a", Priority.NORMAL, 0, 0, oneCore(), 3);
    SimulationTrace trace =
        new SimulationTrace(
            new ClusterShape(1, worker, 0, 0),
            List.of(new TracedJob(job, 10 * MINUTE)),
            List.of(new WorkerFailure(15 * MINUTE, 0, MINUTE)),
            List.of(TenantShare.weighted("a", 1)));
    SchedulerSimulation simulation = new SchedulerSimulation(trace);

    SimulationReport chunks = simulation.run(new FifoScheduler());
    SimulationReport whole = simulation.runWholeJobs(new FifoScheduler());

    // Chunk-level: all three at once, the failure at 15 min hits none.
    assertThat(chunks.makespanMillis()).isEqualTo(10 * MINUTE);
    assertThat(chunks.failedChunks()).isZero();
    // Whole job: 0-10, 10-15 lost with the worker, back at 16: 16-26, 26-36.
    assertThat(whole.scheduler()).isEqualTo("FIFO, whole jobs");
    assertThat(whole.makespanMillis()).isEqualTo(36 * MINUTE);
    assertThat(whole.failedChunks()).isEqualTo(1);
    assertThat(whole.failedCoreMillis()).isEqualTo(5 * MINUTE);
    assertThat(whole.startedChunks()).isEqualTo(4);
    assertThat(whole.completedChunks()).isEqualTo(3);
    assertThat(whole.busyCoreMillis()).isEqualTo(35 * MINUTE);
    // One core of 16 (4 GiB of 64) while anything ran; the minute down holds nothing and offers
    // nothing.
    assertThat(whole.utilization()).isCloseTo(1 / 16.0, within(1e-9));
    assertThat(whole.memoryUtilization()).isCloseTo(1 / 16.0, within(1e-9));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fair", "fifo"})
  void wholeJobsConserveWorkOnTheMixedTrace(String name) {
    SimulationTrace trace = TraceGenerator.generate(SMALL);

    SimulationReport whole = new SchedulerSimulation(trace).runWholeJobs(scheduler(name, trace));
    SimulationReport chunks = new SchedulerSimulation(trace).run(scheduler(name, trace));

    assertThat(whole.completedChunks()).isEqualTo(trace.totalChunks());
    assertThat(whole.usefulCoreMillis()).isEqualTo(trace.usefulCoreMillis());
    assertThat(whole.busyCoreMillis())
        .isEqualTo(
            whole.usefulCoreMillis() + whole.preemptedCoreMillis() + whole.failedCoreMillis());
    assertThat(whole.makespanMillis()).isGreaterThan(chunks.makespanMillis());
  }

  @Test
  void lentCapacityCountsAsFairAndRaisesUtilization() {
    // One tenant capped at half of 2 cores, 4 one-core chunks of 10 minutes.
    SchedulableJob job = SchedulableJob.fresh("j", "a", Priority.NORMAL, 0, 0, oneCore(), 4);
    SimulationTrace trace =
        new SimulationTrace(
            new ClusterShape(1, new Demand(2, 8 * 1024, 0), 0, 0),
            List.of(new TracedJob(job, 10 * MINUTE)),
            List.of(),
            List.of(new TenantShare("a", 1, 0, 0.5)));
    SchedulerConfig capped = SchedulerConfig.defaults().withTenantShares(trace.shares());

    SimulationReport bound = new SchedulerSimulation(trace).run(new FairShareScheduler(capped));
    SimulationReport lent =
        new SchedulerSimulation(trace).run(new FairShareScheduler(capped.lendingIdleCapacity()));

    assertThat(bound.makespanMillis()).isEqualTo(40 * MINUTE);
    assertThat(bound.utilization()).isCloseTo(0.5, within(1e-9));
    assertThat(lent.makespanMillis()).isEqualTo(20 * MINUTE);
    assertThat(lent.utilization()).isCloseTo(1.0, within(1e-9));
    // Nobody else wanted the second core: holding it is no unfairness.
    assertThat(lent.maxShareDeviation()).isCloseTo(0, within(1e-9));
    assertThat(lent.maxMeanGap()).isCloseTo(0, within(1e-9));
  }

  private static Demand oneCore() {
    return new Demand(1, 4096, 0);
  }
}
