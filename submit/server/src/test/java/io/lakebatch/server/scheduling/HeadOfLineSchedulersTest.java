package io.lakebatch.server.scheduling;

import static io.lakebatch.server.scheduling.Fixtures.job;
import static io.lakebatch.server.scheduling.Fixtures.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.Priority;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HeadOfLineSchedulersTest {
  private final WorkerPool pool = WorkerPool.uniform(1, new Demand(4, 4096, 0));

  @Test
  void fifoGrantsInSubmissionOrder() {
    WaitingJobs waiting =
        waiting(
            job("c", "t", Priority.HIGH, 99, 3),
            job("a", "t", Priority.LOW, 0, 1),
            job("b", "u", Priority.NORMAL, 5, 2));

    SchedulingDecision decision =
        new FifoScheduler().schedule(10, pool, new Allocations(), waiting);

    assertThat(decision.grants()).extracting(Grant::jobId).containsExactly("a", "b", "c");
    assertThat(decision.preemptions()).isEmpty();
  }

  @Test
  void strictPriorityGrantsByClassThenValueThenAgeWithoutAging() {
    WaitingJobs waiting =
        waiting(
            job("low-ancient", "t", Priority.LOW, 99, -1_000_000_000L),
            job("normal-5", "t", Priority.NORMAL, 5, 1),
            job("normal-80", "t", Priority.NORMAL, 80, 2),
            job("normal-80-older", "t", Priority.NORMAL, 80, 0),
            job("high", "t", Priority.HIGH, 0, 3));

    SchedulingDecision decision =
        new StrictPriorityScheduler().schedule(10, pool, new Allocations(), waiting);

    assertThat(decision.grants())
        .extracting(Grant::jobId)
        .containsExactly("high", "normal-80-older", "normal-80", "normal-5");
  }

  @Test
  void theHeadWaitsForRoomAndNothingOvertakesIt() {
    SchedulableJob big = job("big", "t", 1, new Demand(3, 1024, 0), 2);
    SchedulableJob small = job("small", "t", 2, new Demand(1, 1024, 0), 1);

    SchedulingDecision decision =
        new FifoScheduler().schedule(10, pool, new Allocations(), waiting(big, small));

    // One chunk of big fits, its second does not; small would fit but stays behind.
    assertThat(decision.grants()).extracting(Grant::jobId).containsExactly("big");
  }

  @Test
  void grantsFitTogetherAndTheInputsStayUnchanged() {
    WaitingJobs waiting = waiting(job("a", "t", 1, new Demand(1, 1024, 0), 9));
    WorkerPool two = WorkerPool.uniform(2, new Demand(2, 4096, 0));

    SchedulingDecision decision = new FifoScheduler().schedule(10, two, new Allocations(), waiting);

    assertThat(decision.grants()).extracting(Grant::worker).containsExactly(0, 0, 1, 1);
    assertThat(two.free().cores()).isEqualTo(4);
    assertThat(waiting.waitingChunks("a")).isEqualTo(9);
  }
}
