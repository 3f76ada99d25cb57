package io.lakebatch.jobs;

import static java.util.Objects.requireNonNull;

import io.lakebatch.api.ChunkGate;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.planner.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps up to {@code inFlight} chunks of a run going at once, each in its own Spark job started
 * from its own driver thread, so the last tasks and the commit of one chunk overlap the tasks of
 * the next (Spark's scheduler gives the later job the cores the earlier one no longer uses). With a
 * {@link ChunkGate}, each chunk starts only once the gate grants it, and up to the gate's {@link
 * ChunkGate#maxInFlight()} run at once. Chunks start in plan order and end in any order; each still
 * commits alone under its own transaction id. Outcomes are handed over on the calling thread, one
 * at a time, as chunks end. When a chunk, or the handling of an outcome, fails, the chunks still
 * running are cancelled (their Spark jobs; nothing of theirs is committed unless their commit had
 * already begun) and awaited before the failure is thrown, so nothing of the run is left running
 * behind it.
 */
final class ChunkPipeline {
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final long STOP_CHECK_MILLIS = 500;
  private static final String POOL_PROPERTY = "spark.scheduler.pool";
  // put on the queue of ended chunks when the gate grants a permit, so one wait sees both
  private static final Future<ChunkOutcome> PERMIT_READY = CompletableFuture.completedFuture(null);

  private final SparkSession spark;
  private final String runId;
  private final int inFlight;
  private final Optional<ChunkGate> gate;

  ChunkPipeline(SparkSession spark, String runId, int inFlight, Optional<ChunkGate> gate) {
    this.spark = requireNonNull(spark, "spark is null");
    this.runId = requireNonNull(runId, "runId is null");
    this.gate = requireNonNull(gate, "gate is null");
    int limit = gate.map(ChunkGate::maxInFlight).orElse(inFlight);
    if (limit < 1) {
      throw new IllegalArgumentException("inFlight must be at least 1: " + limit);
    }
    this.inFlight = limit;
  }

  /**
   * Runs {@code chunks} in order through {@code attempt}.
   *
   * @param mayOverlap whether another chunk may start while one runs (checked before each start;
   *     false while the output table does not exist yet, since the first commit creates it)
   * @param stopBefore called on the calling thread before a chunk starts (and, while the gate has
   *     not granted it yet, every half second); true stops starting chunks (those running still
   *     end)
   * @param onStart called on the calling thread as a chunk starts
   * @param onOutcome called on the calling thread with each ended chunk's outcome
   */
  void run(
      List<Chunk> chunks,
      Function<Chunk, ChunkOutcome> attempt,
      BooleanSupplier mayOverlap,
      Predicate<Chunk> stopBefore,
      Consumer<Chunk> onStart,
      Consumer<ChunkOutcome> onOutcome) {
    ExecutorService threads = Executors.newFixedThreadPool(inFlight, threadFactory());
    BlockingQueue<Future<ChunkOutcome>> endedQueue = new LinkedBlockingQueue<>();
    CompletionService<ChunkOutcome> ended = new ExecutorCompletionService<>(threads, endedQueue);
    Map<Future<ChunkOutcome>, String> running = new java.util.HashMap<>();
    CompletableFuture<ChunkGate.Permit> asked = null;
    try {
      int next = 0;
      boolean starting = true;
      while (true) {
        while (starting
            && next < chunks.size()
            && running.size() < (mayOverlap.getAsBoolean() ? inFlight : 1)) {
          Chunk chunk = chunks.get(next);
          if (stopBefore.test(chunk)) {
            starting = false;
            break;
          }
          Optional<ChunkGate.Permit> permit = Optional.empty();
          if (gate.isPresent()) {
            if (asked == null) {
              asked = gate.get().request(runId, chunk.index());
              asked.whenComplete((p, e) -> endedQueue.add(PERMIT_READY));
            }
            if (!asked.isDone()) {
              break;
            }
            permit = Optional.of(asked.join());
            asked = null;
          }
          next++;
          onStart.accept(chunk);
          String group = ChunkGate.sparkJobTag(runId, chunk.index());
          Optional<ChunkGate.Permit> held = permit;
          running.put(ended.submit(() -> attemptTagged(chunk, group, attempt, held)), group);
        }
        boolean waitingForPermit = asked != null && starting;
        if (running.isEmpty() && !waitingForPermit) {
          return;
        }
        Future<ChunkOutcome> done =
            waitingForPermit
                ? endedQueue.poll(STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS)
                : endedQueue.take();
        if (done == null || done == PERMIT_READY) {
          continue;
        }
        running.remove(done);
        onOutcome.accept(outcome(done));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(running);
      throw LakeBatchErrors.internal("interrupted while run " + runId + " scored its chunks", e);
    } catch (RuntimeException | Error e) {
      stop(running);
      throw e;
    } finally {
      withdraw(asked);
      threads.shutdownNow();
    }
  }

  /** Gives back a request the run no longer needs, closing its permit if it came meanwhile. */
  private static void withdraw(CompletableFuture<ChunkGate.Permit> asked) {
    if (asked != null && !asked.cancel(false) && !asked.isCompletedExceptionally()) {
      asked.join().close();
    }
  }

  private ChunkOutcome attemptTagged(
      Chunk chunk,
      String group,
      Function<Chunk, ChunkOutcome> attempt,
      Optional<ChunkGate.Permit> permit) {
    try (RunLog.Tag ignored = RunLog.tag(spark, runId)) {
      // a tag, not a job group: the thread keeps the run's own group (inherited from the caller)
      spark.sparkContext().addJobTag(group);
      Optional<String> pool = permit.flatMap(ChunkGate.Permit::schedulerPool);
      String runPool = spark.sparkContext().getLocalProperty(POOL_PROPERTY);
      pool.ifPresent(p -> spark.sparkContext().setLocalProperty(POOL_PROPERTY, p));
      try {
        return attempt.apply(chunk);
      } finally {
        if (pool.isPresent()) {
          spark.sparkContext().setLocalProperty(POOL_PROPERTY, runPool);
        }
        spark.sparkContext().removeJobTag(group);
        permit.ifPresent(ChunkGate.Permit::close);
      }
    }
  }

  private static ChunkOutcome outcome(Future<ChunkOutcome> done) throws InterruptedException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw LakeBatchErrors.internal("chunk failed: " + LakeBatchErrors.rootMessage(cause), cause);
    }
  }

  /** Cancels the running chunks' Spark jobs (by their tags) and waits until their threads end. */
  private void stop(Map<Future<ChunkOutcome>, String> running) {
    for (String group : running.values()) {
      spark.sparkContext().cancelJobsWithTag(group);
    }
    List<Future<ChunkOutcome>> left = new ArrayList<>(running.keySet());
    for (Future<ChunkOutcome> future : left) {
      try {
        future.get();
      } catch (ExecutionException expected) {
        // the cancelled chunk's own failure; the first failure is the one thrown
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ThreadFactory threadFactory() {
    int pool = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread thread =
          new Thread(r, "lakebatch-chunks-" + pool + "-" + count.incrementAndGet() + "-" + runId);
      thread.setDaemon(true);
      return thread;
    };
  }
}
