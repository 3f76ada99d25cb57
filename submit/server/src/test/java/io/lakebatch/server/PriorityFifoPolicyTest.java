package io.lakebatch.server;

import static io.lakebatch.server.TestJobs.job;
import static io.lakebatch.server.TestJobs.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.jobs.ServerJob;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PriorityFifoPolicyTest {
  private final PriorityFifoPolicy policy = new PriorityFifoPolicy();

  @Test
  void higherClassFirstThenSubmissionOrder() {
    ServerJob lowOld = job(1, "low", 1);
    ServerJob normal = job(2, "normal", 1);
    ServerJob highNew = job(3, "high", 1);
    ServerJob highNewer = job(4, "high", 1);
    List<ServerJob> queue = List.of(lowOld, normal, highNew, highNewer);

    assertThat(policy.next(queue, List.of(), 8, 8)).contains(highNew);
    assertThat(policy.next(List.of(lowOld, normal, highNewer), List.of(), 8, 8))
        .contains(highNewer);
    assertThat(policy.next(List.of(lowOld, normal), List.of(), 8, 8)).contains(normal);
    assertThat(policy.next(List.of(lowOld), List.of(), 8, 8)).contains(lowOld);
    assertThat(policy.next(List.of(), List.of(), 8, 8)).isEmpty();
  }

  @Test
  void aHigherValueGoesFirstWithinItsClassButNeverAboveAHigherClass() {
    ServerJob normal10 = job(1, "normal:10", 1);
    ServerJob normal90 = job(2, "normal:90", 1);
    ServerJob high = job(3, "high", 1);

    assertThat(policy.next(List.of(normal10, normal90), List.of(), 8, 8)).contains(normal90);
    assertThat(policy.next(List.of(normal10, normal90, high), List.of(), 8, 8)).contains(high);
  }

  @Test
  void theHeadWaitsForItsCoresAndNothingOvertakesIt() {
    ServerJob big = job(1, "normal", 6);
    ServerJob small = job(2, "normal", 1);

    assertThat(policy.next(List.of(big, small), List.of(), 4, 8)).isEmpty();
    assertThat(policy.next(List.of(big, small), List.of(), 6, 8)).contains(big);
  }

  @Test
  void aJobAskingForMoreThanTheServerHasRunsAloneOnAllOfIt() {
    ServerJob huge = job(1, "normal", 64);

    assertThat(SchedulingPolicy.coresOf(huge, 8)).isEqualTo(8);
    assertThat(policy.next(List.of(huge), List.of(), 7, 8)).isEmpty();
    assertThat(policy.next(List.of(huge), List.of(), 8, 8)).contains(huge);
  }

  @Test
  void aHeadThatDoesNotFitPreemptsTheLowestClassesYoungestFirstOnlyAsMuchAsNeeded() {
    ServerJob lowOld = started(job(1, "low", 2), 10);
    ServerJob lowYoung = started(job(2, "low", 2), 20);
    ServerJob normal = started(job(3, "normal", 2), 30);
    ServerJob high = job(4, "high", 4);

    SchedulingPolicy.Preemption preemption =
        policy.preemption(List.of(high), List.of(normal, lowOld, lowYoung), 2, 8).orElseThrow();

    assertThat(preemption.reason()).isEqualTo("high-priority job " + high.id() + " waiting");
    assertThat(preemption.victims()).as("2 free + one low job's 2 = 4").containsExactly(lowYoung);
    assertThat(policy.preemption(List.of(high), List.of(normal, lowOld, lowYoung), 0, 8))
        .hasValueSatisfying(p -> assertThat(p.victims()).containsExactly(lowYoung, lowOld));
  }

  @Test
  void nothingIsPreemptedForAJobOfTheSameClassOrWhenItWouldNotMakeRoom() {
    ServerJob normalRunning = started(job(1, "normal", 4), 10);
    ServerJob lowRunning = started(job(2, "low", 2), 20);

    assertThat(policy.preemption(List.of(job(3, "normal", 4)), List.of(normalRunning), 0, 4))
        .as("same class")
        .isEmpty();
    assertThat(
            policy.preemption(List.of(job(4, "high", 8)), List.of(normalRunning, lowRunning), 0, 8))
        .as("stopping both frees 6 of the 8 it needs")
        .isEmpty();
    assertThat(policy.preemption(List.of(job(5, "high", 2)), List.of(lowRunning), 2, 4))
        .as("it fits")
        .isEmpty();
    assertThat(policy.preemption(List.of(), List.of(lowRunning), 0, 4)).isEmpty();
  }
}
