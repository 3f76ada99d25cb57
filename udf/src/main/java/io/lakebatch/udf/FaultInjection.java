package io.lakebatch.udf;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.Serializable;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * A test-only hook that makes tasks fail or run slow, to prove retries and speculation. Off unless
 * the Spark conf sets {@code spark.lakebatch.faults.*}; only a task's first attempt is hit, so
 * Spark's own retry (or a speculative copy) succeeds. Which tasks are hit follows from the seed, the
 * stage and the partition.
 *
 * @param taskFailureRate share of first task attempts that throw a transient error
 * @param slowTaskRate share of first task attempts that sleep {@code slowTaskMillis} first
 * @param slowPartition the partition whose first attempt sleeps in every stage ({@code -1}: none),
 *     for a straggler that is certain to be there
 */
public record FaultInjection(double taskFailureRate, double slowTaskRate, long slowTaskMillis, long seed,
    int slowPartition) implements Serializable {
  public static final String PREFIX = "spark.lakebatch.faults.";
  public static final FaultInjection NONE = new FaultInjection(0, 0, 0, 0, -1);
  /** What an injected failure's message starts with (tests count them by it). */
  public static final String INJECTED = "injected fault";

  /** Reads {@code spark.lakebatch.faults.{task-failure-rate,slow-task-rate,slow-task-millis,seed,slow-partition}}. */
  public static FaultInjection fromConf(Function<String, Optional<String>> conf) {
    return new FaultInjection(
        conf.apply(PREFIX + "task-failure-rate").map(Double::parseDouble).orElse(0.0),
        conf.apply(PREFIX + "slow-task-rate").map(Double::parseDouble).orElse(0.0),
        conf.apply(PREFIX + "slow-task-millis").map(Long::parseLong).orElse(0L),
        conf.apply(PREFIX + "seed").map(Long::parseLong).orElse(0L),
        conf.apply(PREFIX + "slow-partition").map(Integer::parseInt).orElse(-1));
  }

  public boolean enabled() {
    return taskFailureRate > 0 || slowTaskRate > 0 || slowPartition >= 0;
  }

  /** Called at the start of a task's partition. */
  void beforeTask(TaskContext task) {
    if (!enabled() || task == null || task.attemptNumber() > 0) {
      return;
    }
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + task.stageId() * 10_007L + task.partitionId());
    if (random.nextDouble() < taskFailureRate) {
      throw LakeBatchErrors.transientFailure(INJECTED + " in stage " + task.stageId() + " partition "
          + task.partitionId(), new java.io.IOException("test hook " + PREFIX + "task-failure-rate"));
    }
    boolean slow = random.nextDouble() < slowTaskRate || task.partitionId() == slowPartition;
    if (slow) {
      try {
        Thread.sleep(slowTaskMillis);
      } catch (InterruptedException e) {
        // a speculative copy won and this attempt was killed
        Thread.currentThread().interrupt();
      }
    }
  }
}
