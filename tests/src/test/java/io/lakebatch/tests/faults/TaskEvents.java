package io.lakebatch.tests.faults;

import io.lakebatch.udf.FaultInjection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;

/**
 * Counts what Spark's tasks did while it is registered: starts, injected failures (an {@link
 * ExceptionFailure} whose text holds {@link FaultInjection#INJECTED}), successes, speculative
 * copies. {@link #close()} drains the listener bus first, so the counts are complete.
 */
final class TaskEvents extends SparkListener implements AutoCloseable {
  /** One task attempt that ended. */
  record Attempt(int stage, int partition, int attempt, boolean speculative, long millis) {}

  private final SparkSession spark;
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger speculativeStarted = new AtomicInteger();
  private final List<Attempt> injected = new ArrayList<>();
  private final List<Attempt> succeeded = new ArrayList<>();
  private final List<String> otherFailures = new ArrayList<>();
  private final List<String> stages = new ArrayList<>();
  private boolean closed;

  private TaskEvents(SparkSession spark) {
    this.spark = spark;
  }

  static TaskEvents listen(SparkSession spark) {
    drain(spark);
    TaskEvents events = new TaskEvents(spark);
    spark.sparkContext().addSparkListener(events);
    return events;
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    var info = submitted.stageInfo();
    // name: "<action> at <file>:<line>" of the user code that started the job; details: its call
    // stack
    stages.add(info.name() + " (" + info.numTasks() + " tasks)" + "\n" + info.details());
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart start) {
    started.incrementAndGet();
    if (start.taskInfo().speculative()) {
      speculativeStarted.incrementAndGet();
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    var info = end.taskInfo();
    Attempt attempt =
        new Attempt(
            end.stageId(),
            info.partitionId(),
            info.attemptNumber(),
            info.speculative(),
            info.duration());
    if (end.reason() instanceof ExceptionFailure failure) {
      String text = failure.toErrorString();
      if (text.contains(FaultInjection.INJECTED)) {
        injected.add(attempt);
      } else {
        otherFailures.add(text.lines().findFirst().orElse(text));
      }
    } else if (end.reason() == Success$.MODULE$) {
      succeeded.add(attempt);
    }
  }

  /** Stops listening once every event posted so far has been seen. */
  @Override
  public void close() {
    if (!closed) {
      drain(spark);
      spark.sparkContext().removeSparkListener(this);
      closed = true;
    }
  }

  private static void drain(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    } catch (Exception e) { // Scala throws TimeoutException undeclared
      throw new AssertionError("Spark's listener bus did not drain in 30 s", e);
    }
  }

  int started() {
    return started.get();
  }

  int speculativeStarted() {
    return speculativeStarted.get();
  }

  synchronized List<Attempt> injected() {
    return List.copyOf(injected);
  }

  synchronized List<Attempt> succeeded() {
    return List.copyOf(succeeded);
  }

  /** Every stage submitted: its name and task count, a newline, then its call stack. */
  synchronized List<String> stages() {
    return List.copyOf(stages);
  }

  synchronized List<String> otherFailures() {
    return List.copyOf(otherFailures);
  }
}
