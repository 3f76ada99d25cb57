package io.lakebatch.udf.faults;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.udf.FaultInjection;
import java.io.IOException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * The test hook behind {@link FaultInjection}: makes first task attempts fail or run slow, to prove
 * retries and speculation. Switched on by the Spark conf {@code spark.lakebatch.faults.*}; only a
 * task's first attempt is hit, so Spark's own retry (or a speculative copy) succeeds. Which tasks
 * are hit follows from the seed, the stage and the partition.
 *
 * <p>It lives in udf's test jar, which the fault suites put on the classpath of their child JVMs
 * and of a standalone cluster's executors (a jar, unlike a folder of classes, is linked into the
 * cluster's Spark home); {@link Provider} registers it through {@code META-INF/services}.
 *
 * @param taskFailureRate share of first task attempts that throw a transient error
 * @param slowTaskRate share of first task attempts that sleep {@code slowTaskMillis} first
 * @param slowPartition the partition whose first attempt sleeps in every stage ({@code -1}: none),
 *     for a straggler that is certain to be there
 */
public record SeededFaultInjection(
    double taskFailureRate, double slowTaskRate, long slowTaskMillis, long seed, int slowPartition)
    implements FaultInjection {

  /**
   * Reads {@code
   * spark.lakebatch.faults.{task-failure-rate,slow-task-rate,slow-task-millis,seed,slow-partition}}.
   */
  public static SeededFaultInjection fromSparkConf(Function<String, Optional<String>> conf) {
    return new SeededFaultInjection(
        conf.apply(PREFIX + "task-failure-rate").map(Double::parseDouble).orElse(0.0),
        conf.apply(PREFIX + "slow-task-rate").map(Double::parseDouble).orElse(0.0),
        conf.apply(PREFIX + "slow-task-millis").map(Long::parseLong).orElse(0L),
        conf.apply(PREFIX + "seed").map(Long::parseLong).orElse(0L),
        conf.apply(PREFIX + "slow-partition").map(Integer::parseInt).orElse(-1));
  }

  public boolean enabled() {
    return taskFailureRate > 0 || slowTaskRate > 0 || slowPartition >= 0;
  }

  @Override
  public void beforeTask(TaskContext task) {
    if (!enabled() || task == null || task.attemptNumber() > 0) {
      return;
    }
    SplittableRandom random =
        new SplittableRandom(seed * 1_000_003L + task.stageId() * 10_007L + task.partitionId());
    if (random.nextDouble() < taskFailureRate) {
      throw LakeBatchErrors.transientFailure(
          INJECTED + " in stage " + task.stageId() + " partition " + task.partitionId(),
          new IOException("test hook " + PREFIX + "task-failure-rate"));
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

  /** Registered in {@code META-INF/services/io.lakebatch.udf.FaultInjection$Provider}. */
  public static final class Provider implements FaultInjection.Provider {
    @Override
    public Optional<FaultInjection> fromConf(Function<String, Optional<String>> conf) {
      SeededFaultInjection hook = fromSparkConf(conf);
      return hook.enabled() ? Optional.of(hook) : Optional.empty();
    }
  }
}
