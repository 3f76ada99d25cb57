package io.lakebatch.catalog.store;

import java.time.Clock;
import java.util.List;

/**
 * A LakeBatch process that starts at a given moment, opens the catalog (migrating it if needed),
 * registers one run and lists the runs, for {@link H2RunStoreTest}'s start-up race.
 *
 * <p>Arguments: {@code url user password startAtEpochMillis runId}. Prints {@code OK runId} and
 * exits 0, or prints {@code ERROR ...} and exits 1.
 */
public final class CatalogOpenWorker {
  private CatalogOpenWorker() {}

  public static void main(String[] args) {
    try {
      long startAt = Long.parseLong(args[3]);
      long wait = startAt - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      RunStore store =
          RunStoreContractTest.newStore(
              CatalogDatabase.open(new CatalogConfig(args[0], args[1], args[2])),
              Clock.systemUTC());
      store.register(RunStoreContractTest.newRun(args[4], "startup-race", List.of(1L, 2L)));
      store.list(RunFilter.recent());
      System.out.println("OK " + args[4]);
      System.out.flush();
      System.exit(0);
    } catch (Throwable t) {
      System.out.println("ERROR " + t);
      t.printStackTrace();
      System.out.flush();
      System.exit(1);
    }
  }
}
