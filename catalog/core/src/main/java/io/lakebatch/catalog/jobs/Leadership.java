package io.lakebatch.catalog.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Who dispatches the queue: the one server holding the leader lease, and the lease's epoch. Each
 * takeover raises the epoch, and a job is started only under the epoch its server leads in, so a
 * server that lost the lease (paused, partitioned) cannot start a job after another took over.
 *
 * @param leader the server holding the lease, empty when none does
 */
public record Leadership(Optional<String> leader, long epoch) {
  public Leadership {
    requireNonNull(leader, "leader is null");
  }

  /** Whether {@code server} leads. */
  public boolean ledBy(String server) {
    return leader.filter(server::equals).isPresent();
  }
}
