package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.store.RunStoreContractTest.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The run store contract on the embedded default: an H2 file database with AUTO_SERVER. */
class H2RunStoreTest extends RunStoreContractTest {
  @TempDir Path home;

  @Override
  protected CatalogConfig config() {
    return CatalogConfig.embedded(home);
  }

  /**
   * The first LakeBatch processes on a machine start together on an embedded catalog nobody holds
   * open (the contract test's parent JVM holds it, so its children only ever connect over
   * AUTO_SERVER's TCP port). Each must get in, not exit 5.
   */
  @Test
  @Timeout(120)
  void processesStartingTogetherOnAnEmbeddedCatalogNobodyHoldsAllGetIn() throws Exception {
    CatalogConfig fresh = CatalogConfig.embedded(home.resolve("fresh"));
    int processes = 3;
    long startAt = System.currentTimeMillis() + 3000;
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < processes; i++) {
        workers.add(
            Worker.start(
                i,
                CatalogOpenWorker.class,
                List.of(
                    fresh.url(),
                    fresh.user(),
                    fresh.password(),
                    Long.toString(startAt),
                    "startup-" + i)));
      }
      for (Worker worker : workers) {
        worker.awaitExit(90);
      }
    } finally {
      workers.forEach(Worker::kill);
    }
    String report = workers.stream().map(Worker::toString).collect(Collectors.joining("\n"));
    for (Worker worker : workers) {
      assertThat(worker.exitCode()).as(report).isZero();
    }
    RunStore store = newStore(CatalogDatabase.open(fresh), Clock.systemUTC());
    assertThat(store.list(RunFilter.recent()))
        .extracting(RunRecord::runId)
        .containsExactlyInAnyOrder("startup-0", "startup-1", "startup-2");
  }
}
