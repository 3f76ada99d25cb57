package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a run owner is written, read and judged gone (no database). */
@Timeout(30)
class RunOwnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void writesAndReadsPidHostAndStartInstant() {
    RunOwner owner =
        new RunOwner(4242, "worker-7", Optional.of(Instant.parse("2026-02-28T23:00:00.123456Z")));
    assertThat(owner.toString()).isEqualTo("4242@worker-7#2026-02-28T23:00:00.123Z");
    assertThat(RunOwner.parse(owner.toString())).contains(owner);
    assertThat(RunOwner.parse(RunOwner.current().toString())).contains(RunOwner.current());
  }

  @Test
  void readsTheOldPidAtHostTextWithoutAStartInstant() {
    assertThat(RunOwner.parse("4242@worker-7"))
        .contains(new RunOwner(4242, "worker-7", Optional.empty()));
    assertThat(RunOwner.parse("worker-7")).isEmpty();
    assertThat(RunOwner.parse("x@worker-7")).isEmpty();
    assertThat(RunOwner.parse("4242@worker-7#yesterday")).isEmpty();
    assertThat(RunOwner.parse("4242@")).isEmpty();
  }

  @Test
  void thisProcessWithAFreshHeartbeatHoldsItsRun() {
    assertThat(RunOwner.current().goneReason(Optional.of(Duration.ofSeconds(1)), TIMEOUT))
        .isEmpty();
  }

  @Test
  void anOldOrMissingHeartbeatMeansGoneEvenForALiveProcess() {
    RunOwner me = RunOwner.current();
    assertThat(me.goneReason(Optional.of(TIMEOUT), TIMEOUT))
        .contains("heartbeat 5 s old, timeout 5 s");
    assertThat(me.goneReason(Optional.empty(), TIMEOUT)).contains("it has no heartbeat");
  }

  @Test
  void aReusedPidOnThisHostIsGoneWhateverItsHeartbeat() {
    RunOwner me = RunOwner.current();
    RunOwner reused = new RunOwner(me.pid(), me.host(), me.startedAt().map(s -> s.minusSeconds(5)));
    assertThat(reused.goneReason(Optional.of(Duration.ZERO), TIMEOUT))
        .hasValueSatisfying(
            reason -> assertThat(reason).startsWith("pid " + me.pid() + " now belongs to"));
    RunOwner legacy = new RunOwner(me.pid(), me.host(), Optional.empty());
    assertThat(legacy.goneReason(Optional.of(Duration.ZERO), TIMEOUT)).isEmpty();
  }

  @Test
  void aDriverOnAnotherHostIsJudgedByItsHeartbeatOnly() {
    RunOwner remote = new RunOwner(1, "some-other-host.invalid", Optional.empty());
    assertThat(remote.goneReason(Optional.of(TIMEOUT.minusMillis(1)), TIMEOUT)).isEmpty();
    assertThat(remote.goneReason(Optional.of(TIMEOUT), TIMEOUT)).isPresent();
  }
}
