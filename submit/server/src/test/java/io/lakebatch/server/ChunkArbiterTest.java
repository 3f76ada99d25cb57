package io.lakebatch.server;

import static io.lakebatch.server.TestJobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.ChunkGate;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.server.scheduling.FairShareScheduler;
import io.lakebatch.server.scheduling.SchedulerConfig;
import io.lakebatch.server.scheduling.StrictPriorityScheduler;
import io.lakebatch.server.scheduling.TenantShare;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chunk arbiter without Spark: admissions, grants per chunk by the policy, reservations, and
 * withdrawn requests. A chunk here counts all its granted cores (no tasks are followed).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChunkArbiterTest {
  private static final Instant NOW = Instant.ofEpochSecond(10_000);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static ChunkArbiter fairShare(int cores, TenantShare... shares) {
    return new ChunkArbiter(
        new FairShareScheduler(SchedulerConfig.defaults().withTenantShares(List.of(shares))),
        cores,
        CLOCK,
        new ChunkActivity(() -> {}),
        () -> {});
  }

  private static ServerJob queued(long sequence, String tenant, String priority, int cores) {
    return job(sequence, tenant, priority, cores, NOW.minusSeconds(60));
  }

  /** Admits {@code job} and takes its reserved first chunk. */
  private static ChunkGate.Permit startWithFirstChunk(ChunkArbiter arbiter, ServerJob job) {
    assertThat(arbiter.admit(List.of(job))).containsExactly(job);
    CompletableFuture<ChunkGate.Permit> first = arbiter.gateFor(job).request("run-" + job.id(), 0);
    assertThat(first).as("the reservation made at admission").isCompleted();
    return first.join();
  }

  @Test
  void tenantsWithWeights2To1GetTheirChunksInThatRatio() {
    ChunkArbiter arbiter =
        fairShare(3, new TenantShare("heavy", 2, 0, 1), new TenantShare("light", 1, 0, 1));
    ServerJob heavy = queued(1, "heavy", "normal", 1);
    ServerJob light = queued(2, "light", "normal", 1);
    assertThat(arbiter.admit(List.of(heavy, light))).containsExactlyInAnyOrder(heavy, light);
    Deque<ChunkGate.Permit> held = new ArrayDeque<>(); // oldest first
    Map<ChunkGate.Permit, String> owner = new HashMap<>();
    Map<String, List<CompletableFuture<ChunkGate.Permit>>> asks = new HashMap<>();
    Map<String, Integer> granted = new HashMap<>();
    for (ServerJob job : List.of(heavy, light)) {
      ChunkGate gate = arbiter.gateFor(job);
      ChunkGate.Permit first = gate.request(job.tenant(), 0).join();
      held.add(first);
      owner.put(first, job.tenant());
      List<CompletableFuture<ChunkGate.Permit>> pending = new ArrayList<>();
      for (int i = 1; i <= 60; i++) {
        pending.add(gate.request(job.tenant(), i));
      }
      asks.put(job.tenant(), pending);
    }
    for (int round = 0; round < 45; round++) {
      for (Map.Entry<String, List<CompletableFuture<ChunkGate.Permit>>> e : asks.entrySet()) {
        for (var it = e.getValue().iterator(); it.hasNext(); ) {
          CompletableFuture<ChunkGate.Permit> ask = it.next();
          if (ask.isDone()) {
            held.add(ask.join());
            owner.put(ask.join(), e.getKey());
            granted.merge(e.getKey(), 1, Integer::sum);
            it.remove();
          }
        }
      }
      assertThat(held).as("every core busy").hasSize(3);
      held.poll().close(); // the oldest chunk ends; its core goes where the policy says
    }
    assertThat(granted.get("heavy") + granted.get("light")).isEqualTo(45);
    assertThat(granted.get("heavy")).as("2 of every 3 chunks").isBetween(29, 31);
    assertThat(owner.values().stream().filter("heavy"::equals).count()).isGreaterThan(0);
  }

  private static int count(List<CompletableFuture<ChunkGate.Permit>> asks) {
    return (int) asks.stream().filter(CompletableFuture::isDone).count();
  }

  @Test
  void aQueuedHighJobTakesTheNextFreeCoresBeforeARunningLowJobsNextChunk() {
    ChunkArbiter arbiter =
        new ChunkArbiter(
            new StrictPriorityScheduler(), 2, CLOCK, new ChunkActivity(() -> {}), () -> {});
    ServerJob low = queued(1, "t", "low", 2);
    ChunkGate.Permit lowFirst = startWithFirstChunk(arbiter, low);
    CompletableFuture<ChunkGate.Permit> lowNext = arbiter.gateFor(low).request("run-low", 1);
    ServerJob high = queued(2, "t", "high", 2);
    assertThat(arbiter.admit(List.of(high))).as("no core is free yet").isEmpty();
    assertThat(lowNext).isNotDone();

    lowFirst.close(); // the low job's chunk boundary
    assertThat(lowNext).as("the high job ranks first").isNotDone();
    assertThat(arbiter.admit(List.of(high))).containsExactly(high);
    assertThat(arbiter.coresHeld())
        .as("held for the high job while its run is prepared")
        .isEqualTo(2);
    ChunkGate.Permit highFirst = arbiter.gateFor(high).request("run-high", 0).join();
    assertThat(lowNext).isNotDone();

    highFirst.close();
    arbiter.forget(high.id()); // the high job ended
    assertThat(lowNext).as("the low job resumes at its next chunk").isCompleted();
    assertThat(arbiter.chunksWaiting()).isZero();
  }

  @Test
  void aJobsChunksRunSeveralAtOnceWhileCoresAreFree() {
    ChunkArbiter arbiter = fairShare(4);
    ServerJob job = queued(1, "t", "normal", 1);
    startWithFirstChunk(arbiter, job);
    ChunkGate gate = arbiter.gateFor(job);
    assertThat(gate.maxInFlight()).as("a successor for each of 4 granted").isEqualTo(8);
    List<CompletableFuture<ChunkGate.Permit>> asks = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      asks.add(gate.request("run", i));
    }
    assertThat(count(asks)).as("3 more cores free: 3 more chunks").isEqualTo(3);
    assertThat(arbiter.chunksWaiting()).isEqualTo(1);
  }

  /** Cores in use as a test sets them, by chunk tag; unset: all granted. */
  private static final class SetUse implements ChunkUse {
    final Map<String, Integer> inUse = new HashMap<>();

    @Override
    public int coresInUse(String tag, int granted) {
      return Math.min(granted, inUse.getOrDefault(tag, granted));
    }

    @Override
    public void forget(String tag) {
      inUse.remove(tag);
    }
  }

  @Test
  void aChunksIdleTailGoesToItsOwnJobsNextChunkOnlyWhileNoOtherJobWaits() {
    SetUse use = new SetUse();
    ChunkArbiter arbiter =
        new ChunkArbiter(
            new FairShareScheduler(SchedulerConfig.defaults()), 2, CLOCK, use, () -> {});
    ServerJob mine = queued(1, "a", "normal", 2);
    ServerJob other = queued(2, "b", "normal", 2);
    ChunkGate gate = arbiter.gateFor(mine);
    ChunkGate.Permit first = startWithFirstChunk(arbiter, mine);
    CompletableFuture<ChunkGate.Permit> second = gate.request("run-" + mine.id(), 1);
    assertThat(second).as("every core granted").isNotDone();

    use.inUse.put(ChunkGate.sparkJobTag("run-" + mine.id(), 0), 0); // its tasks done, committing
    arbiter.rebalance();
    assertThat(second).as("the successor, on the idle cores of chunk 0").isCompleted();
    CompletableFuture<ChunkGate.Permit> third = gate.request("run-" + mine.id(), 2);
    assertThat(third).as("one successor per granted chunk").isNotDone();

    first.close(); // the successor takes chunk 0's place as granted
    use.inUse.put(ChunkGate.sparkJobTag("run-" + mine.id(), 1), 0);
    assertThat(arbiter.admit(List.of(other))).as("no core is free").isEmpty();
    assertThat(third).as("no successor while another job waits").isNotDone();

    second.join().close();
    assertThat(arbiter.coresHeld()).as("the freed cores granted at once").isEqualTo(2);
    assertThat(third.isDone() ^ arbiter.admit(List.of(other)).contains(other))
        .as("to one of the two")
        .isTrue();
  }

  @Test
  void aWithdrawnRequestAndAForgottenJobGiveTheirCoresBack() {
    ChunkArbiter arbiter = fairShare(2);
    ServerJob first = queued(1, "t", "normal", 2);
    ServerJob second = queued(2, "t", "normal", 2);
    ChunkGate.Permit held = startWithFirstChunk(arbiter, first);
    CompletableFuture<ChunkGate.Permit> withdrawn = arbiter.gateFor(first).request("run-1", 1);
    withdrawn.cancel(false);
    assertThat(arbiter.chunksWaiting()).isZero();
    held.close();
    held.close(); // a second close changes nothing
    assertThat(arbiter.coresHeld()).isZero();

    assertThat(arbiter.admit(List.of(second))).containsExactly(second);
    arbiter.forget(second.id()); // its claim failed: another server took it
    assertThat(arbiter.coresHeld()).as("the reservation is released").isZero();
    assertThat(arbiter.gateFor(second).request("run-2", 0))
        .as("a job the arbiter forgot gets no chunk")
        .isCompletedExceptionally();
  }
}
