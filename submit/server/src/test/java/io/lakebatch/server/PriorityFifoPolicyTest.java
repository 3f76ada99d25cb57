package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.ServerJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    assertThat(policy.next(queue, 8, 8)).contains(highNew);
    assertThat(policy.next(List.of(lowOld, normal, highNewer), 8, 8)).contains(highNewer);
    assertThat(policy.next(List.of(lowOld, normal), 8, 8)).contains(normal);
    assertThat(policy.next(List.of(lowOld), 8, 8)).contains(lowOld);
    assertThat(policy.next(List.of(), 8, 8)).isEmpty();
  }

  @Test
  void theHeadWaitsForItsCoresAndNothingOvertakesIt() {
    ServerJob big = job(1, "normal", 6);
    ServerJob small = job(2, "normal", 1);

    assertThat(policy.next(List.of(big, small), 4, 8)).isEmpty();
    assertThat(policy.next(List.of(big, small), 6, 8)).contains(big);
  }

  @Test
  void aJobAskingForMoreThanTheServerHasRunsAloneOnAllOfIt() {
    ServerJob huge = job(1, "normal", 64);

    assertThat(SchedulingPolicy.coresOf(huge, 8)).isEqualTo(8);
    assertThat(policy.next(List.of(huge), 7, 8)).isEmpty();
    assertThat(policy.next(List.of(huge), 8, 8)).contains(huge);
  }

  private static ServerJob job(long sequence, String priority, int cores) {
    return new ServerJob(
        "job-" + sequence,
        sequence,
        "t",
        "n",
        Optional.empty(),
        "sha",
        "spec",
        priority,
        cores,
        io.lakebatch.catalog.spec.ExecutionMode.SHARED,
        JobState.QUEUED,
        Optional.empty(),
        Optional.empty(),
        0,
        false,
        Optional.empty(),
        Instant.EPOCH,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }
}
