package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A driver process for {@link RunStoreContractTest}: takes a run, held by the take's hook after it
 * judged the run (prints {@code JUDGED}, waits for {@code SWAP} on stdin); the winner prints {@code
 * TAKE WON <owner>}, commits every chunk under its lease and ends the run SUCCEEDED; the loser
 * prints {@code TAKE LOST <message>}.
 *
 * <p>Arguments: {@code url user password runId}. Exits {@link #EXIT_WON}, {@link #EXIT_LOST}, or 1
 * on any unexpected failure (a lost take must be a USER-category "busy" error, nothing else).
 */
public final class RunStoreWorker {
  public static final int EXIT_WON = 0;
  public static final int EXIT_LOST = 3;

  private RunStoreWorker() {}

  /** The Delta table version the worker records for {@code chunk}. */
  public static long deltaVersion(int chunk) {
    return 5000L + chunk;
  }

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (Throwable t) {
      System.out.println("ERROR " + t);
      t.printStackTrace();
      System.out.flush();
      System.exit(1);
    }
  }

  private static int run(String[] args) {
    String runId = args[3];
    RunStore store =
        RunStoreContractTest.newStore(
            CatalogDatabase.open(new CatalogConfig(args[0], args[1], args[2])), Clock.systemUTC());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    AtomicBoolean held = new AtomicBoolean();
    RunLease lease;
    try {
      lease =
          store.take(
              runId,
              RunOwner.current(),
              RunOwner.HEARTBEAT_TIMEOUT,
              () -> {
                if (!held.getAndSet(true)) {
                  awaitSwap(in);
                }
              });
    } catch (LakeBatchException e) {
      if (e.category() != ErrorCategory.USER || !e.getMessage().contains("wait for it")) {
        throw e;
      }
      System.out.println("TAKE LOST " + e.getMessage());
      System.out.flush();
      return EXIT_LOST;
    }
    System.out.println("TAKE WON " + lease.owner());
    System.out.flush();
    store.transition(lease, RunState.RUNNING, "planned");
    for (ChunkRecord chunk : store.chunks(runId)) {
      store.chunkStarted(lease, chunk.chunk());
      store.checkLease(lease);
      store.chunkCommitted(
          lease,
          new ChunkCommit(chunk.chunk(), deltaVersion(chunk.chunk()), chunk.plannedRows(), 0));
    }
    store.transition(lease, RunState.SUCCEEDED, "all chunks committed");
    return EXIT_WON;
  }

  private static void awaitSwap(BufferedReader in) {
    System.out.println("JUDGED");
    System.out.flush();
    try {
      String line = in.readLine();
      if (!"SWAP".equals(line)) {
        throw new IllegalStateException("expected SWAP, got " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
