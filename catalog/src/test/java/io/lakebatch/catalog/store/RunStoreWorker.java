package io.lakebatch.catalog.store;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * A second LakeBatch process for {@link RunStoreContractTest}: opens the catalog, prints
 * {@code READY}, waits for {@code GO} on stdin, races to claim the run (QUEUED to PLANNING), then
 * commits its share of the chunks, trying one move of the RUNNING -> QUEUED -> PLANNING -> RUNNING
 * cycle after each commit.
 *
 * <p>Arguments: {@code url user password runId workerIndex workerCount}. Prints {@code CLAIM WON} or
 * {@code CLAIM LOST}, then {@code DONE moves=N lost=M}; exits {@link #EXIT_WON}, {@link #EXIT_LOST},
 * or 1 on any unexpected failure (a lost race must be a USER-category error, nothing else).
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

  private static int run(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String runId = args[3];
    int worker = Integer.parseInt(args[4]);
    int workers = Integer.parseInt(args[5]);

    RunStore store = new RunStore(CatalogDatabase.open(new CatalogConfig(url, user, password)), Clock.systemUTC());
    RunOwner me = RunOwner.current();
    store.get(runId);
    System.out.println("READY");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String go = in.readLine();
    if (!"GO".equals(go)) {
      System.out.println("ERROR expected GO, got " + go);
      return 1;
    }

    boolean won;
    try {
      store.transition(runId, RunState.PLANNING, Optional.of(me), "claim by worker " + worker);
      won = true;
    } catch (LakeBatchException e) {
      requireLostRace(e);
      won = false;
    }
    System.out.println(won ? "CLAIM WON" : "CLAIM LOST");
    System.out.flush();

    int moves = 0;
    int lost = 0;
    int chunks = store.get(runId).chunksTotal();
    for (int chunk = worker; chunk < chunks; chunk += workers) {
      long planned = store.chunks(runId).get(chunk).plannedRows();
      store.chunkStarted(runId, chunk);
      store.chunkCommitted(runId, new ChunkCommit(chunk, deltaVersion(chunk), planned, 0));
      RunState next = next(store.get(runId).state());
      try {
        store.transition(runId, next, Optional.of(me), "worker " + worker + " after chunk " + chunk);
        moves++;
      } catch (LakeBatchException e) {
        requireLostRace(e);
        lost++;
      }
    }
    System.out.println("DONE moves=" + moves + " lost=" + lost);
    System.out.flush();
    return won ? EXIT_WON : EXIT_LOST;
  }

  private static RunState next(RunState state) {
    switch (state) {
      case RUNNING:
        return RunState.QUEUED;
      case QUEUED:
        return RunState.PLANNING;
      case PLANNING:
        return RunState.RUNNING;
      default:
        throw new IllegalStateException("run left the cycle: " + state);
    }
  }

  private static void requireLostRace(LakeBatchException e) {
    if (e.category() != ErrorCategory.USER || !e.getMessage().contains("cannot move to")) {
      throw e;
    }
  }
}
