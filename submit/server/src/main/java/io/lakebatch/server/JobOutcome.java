package io.lakebatch.server;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.jobs.JobState;
import java.util.Optional;

/** How one start of a job ended: its state and, when it did not succeed, why. */
record JobOutcome(JobState state, Optional<String> message) {
  JobOutcome {
    requireNonNull(state, "state is null");
    requireNonNull(message, "message is null");
  }

  static JobOutcome failed(String message) {
    return new JobOutcome(JobState.FAILED, Optional.of(message));
  }
}
