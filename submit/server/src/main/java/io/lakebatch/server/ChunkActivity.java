package io.lakebatch.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.collection.JavaConverters;

/**
 * Follows the tasks of every chunk in the shared SparkSession, by the chunk's Spark job tag, so the
 * {@link ChunkArbiter} knows how many cores a running chunk still uses: all it was granted while
 * any of its tasks wait to start, then only its running tasks — a chunk down to its last straggler,
 * or committing on the driver, leaves the rest of its cores to the next chunk. Called on Spark's
 * listener thread; {@code onChange} is told when a chunk's use drops.
 */
final class ChunkActivity extends SparkListener implements ChunkUse {
  private static final String TAGS_PROPERTY = "spark.job.tags";

  private final Runnable onChange;
  private final Map<Integer, String> tagOfStage = new HashMap<>();
  private final Map<Integer, Integer> unstartedOfStage = new HashMap<>();
  private final Map<String, Use> useOfTag = new HashMap<>();

  /** A chunk's tasks: waiting to start, running, and whether any ever started. */
  private static final class Use {
    int unstarted;
    int running;
    boolean started;
  }

  ChunkActivity(Runnable onChange) {
    this.onChange = onChange;
  }

  /**
   * The cores chunk {@code tag} uses of the {@code granted} it holds: all of them until its first
   * task starts and while any task waits, else its running tasks.
   */
  @Override
  public synchronized int coresInUse(String tag, int granted) {
    Use use = useOfTag.get(tag);
    if (use == null || !use.started || use.unstarted > 0) {
      return granted;
    }
    return Math.min(granted, use.running);
  }

  @Override
  public synchronized void forget(String tag) {
    useOfTag.remove(tag);
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    Optional<String> tag = chunkTag(jobStart);
    if (tag.isEmpty()) {
      return;
    }
    synchronized (this) {
      for (Object stage : JavaConverters.seqAsJavaList(jobStart.stageIds())) {
        tagOfStage.put((Integer) stage, tag.get());
      }
      useOfTag.computeIfAbsent(tag.get(), t -> new Use());
    }
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    int stage = submitted.stageInfo().stageId();
    Use use = useOf(stage);
    if (use != null) {
      int tasks = submitted.stageInfo().numTasks();
      unstartedOfStage.put(stage, tasks);
      use.unstarted += tasks;
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart start) {
    Use use = useOf(start.stageId());
    if (use == null) {
      return;
    }
    use.started = true;
    use.running++;
    Integer unstarted = unstartedOfStage.get(start.stageId());
    if (unstarted != null && unstarted > 0) { // a retried or speculative task was counted already
      unstartedOfStage.put(start.stageId(), unstarted - 1);
      use.unstarted--;
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    synchronized (this) {
      Use use = useOf(end.stageId());
      if (use == null) {
        return;
      }
      use.running = Math.max(0, use.running - 1);
      if (use.unstarted > 0) {
        return; // still uses all its cores
      }
    }
    onChange.run();
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    int stage = completed.stageInfo().stageId();
    synchronized (this) {
      Use use = useOf(stage);
      Integer unstarted = unstartedOfStage.remove(stage);
      tagOfStage.remove(stage);
      if (use == null || unstarted == null || unstarted == 0) {
        return;
      }
      use.unstarted -= unstarted; // a stage that ended (cancelled, failed) with tasks not started
    }
    onChange.run();
  }

  private Use useOf(int stage) {
    String tag = tagOfStage.get(stage);
    return tag == null ? null : useOfTag.get(tag);
  }

  private static Optional<String> chunkTag(SparkListenerJobStart jobStart) {
    if (jobStart.properties() == null) {
      return Optional.empty();
    }
    String tags = jobStart.properties().getProperty(TAGS_PROPERTY);
    if (tags == null) {
      return Optional.empty();
    }
    for (String tag : tags.split(",")) {
      if (tag.startsWith("lakebatch-") && tag.contains("-chunk-")) {
        return Optional.of(tag);
      }
    }
    return Optional.empty();
  }
}
