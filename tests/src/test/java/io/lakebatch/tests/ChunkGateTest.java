package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.ChunkGate;
import io.lakebatch.api.LakeBatch;
import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunHandle;
import io.lakebatch.api.RunOptions;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose chunks a {@link ChunkGate} hands out, through the public API: no chunk starts before
 * its permit, every permit comes back, no more run at once than the gate allows, each chunk's Spark
 * jobs run in the pool its permit names, and a run cancelled while it waits for a permit stops and
 * withdraws its request.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ChunkGateTest {
  private static final int FEATURES = 4;
  private static final long ROWS = 6_000;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.start();
    model = dir.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    input = dir.resolve("input");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA).withFiles(6),
        input.toString());
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  /** A gate whose requests the test grants one by one, counting what is held. */
  private static final class TestGate implements ChunkGate {
    final BlockingQueue<Map.Entry<Integer, CompletableFuture<Permit>>> requests =
        new LinkedBlockingQueue<>();
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger mostHeld = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public int maxInFlight() {
      return 2;
    }

    @Override
    public CompletableFuture<Permit> request(String runId, int chunk) {
      CompletableFuture<Permit> future = new CompletableFuture<>();
      requests.add(Map.entry(chunk, future));
      return future;
    }

    /** Waits for the next request and grants it; returns its chunk. */
    int grantNext(String runId) throws InterruptedException {
      Map.Entry<Integer, CompletableFuture<Permit>> next = requests.poll(2, TimeUnit.MINUTES);
      assertThat(next).as("a request").isNotNull();
      mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
      String pool = "pool-" + ChunkGate.sparkJobTag(runId, next.getKey());
      next.getValue()
          .complete(
              new Permit() {
                @Override
                public Optional<String> schedulerPool() {
                  return Optional.of(pool);
                }

                @Override
                public void close() {
                  held.decrementAndGet();
                  closed.incrementAndGet();
                }
              });
      return next.getKey();
    }
  }

  /** The FAIR pool each tagged chunk job ran in. */
  private static final class PoolsOfChunkJobs extends SparkListener {
    final Map<String, String> poolOfTag = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String tags = start.properties().getProperty("spark.job.tags", "");
      for (String tag : tags.split(",")) {
        if (tag.contains("-chunk-")) {
          poolOfTag.put(tag, start.properties().getProperty("spark.scheduler.pool", ""));
        }
      }
    }
  }

  private RunHandle start(String name, TestGate gate, RecordingRunListener events) {
    LakeBatch lakeBatch =
        LakeBatch.with(spark, TestCatalog.shared()).withRunFolders(dir.resolve("runs"));
    return lakeBatch.run(
        JobSpecParser.parse(
            JobSpecs.mlp(name, model, input, "delta", dir.resolve("out-" + name), 1_000, FEATURES),
            name + ".yaml",
            false),
        RunOptions.defaults().withListener(events).withChunkGate(gate));
  }

  @Test
  void everyChunkWaitsForItsPermitRunsInItsPoolAndGivesItBack() throws Exception {
    PoolsOfChunkJobs pools = new PoolsOfChunkJobs();
    spark.sparkContext().addSparkListener(pools);
    TestGate gate = new TestGate();
    RecordingRunListener events = new RecordingRunListener();
    RunHandle run = start("gated", gate, events);
    try {
      assertThat(gate.grantNext(run.runId())).isZero();
      events.await(RunEvent.ChunkCommitted.class, e -> e.chunk() == 0, 1, Duration.ofMinutes(2));
      // the next request waits until the test grants it: nothing else commits meanwhile
      Map.Entry<Integer, CompletableFuture<ChunkGate.Permit>> second =
          gate.requests.poll(2, TimeUnit.MINUTES);
      assertThat(second).isNotNull();
      assertThat(second.getKey()).isEqualTo(1);
      assertThat(events.events(RunEvent.ChunkCommitted.class).size()).isEqualTo(1);
      gate.requests.add(second); // grant it through the helper, in order
      for (int granted = 1; granted < 6; granted++) {
        assertThat(gate.grantNext(run.runId())).isEqualTo(granted);
      }
      RunSummary summary = run.await(Duration.ofMinutes(3)).orElseThrow();
      assertThat(summary.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(summary.rowsIn()).isEqualTo(ROWS);
    } finally {
      spark.sparkContext().removeSparkListener(pools);
    }
    assertThat(gate.closed.get()).as("every permit came back").isEqualTo(6);
    assertThat(gate.held.get()).isZero();
    assertThat(gate.mostHeld.get()).as("at most maxInFlight at once").isLessThanOrEqualTo(2);
    assertThat(pools.poolOfTag).hasSize(6);
    pools.poolOfTag.forEach((tag, pool) -> assertThat(pool).isEqualTo("pool-" + tag));
  }

  @Test
  void aRunCancelledWhileItWaitsForAPermitStopsAndWithdrawsItsRequest() throws Exception {
    TestGate gate = new TestGate();
    RecordingRunListener events = new RecordingRunListener();
    RunHandle run = start("gated-cancel", gate, events);
    assertThat(gate.grantNext(run.runId())).isZero();
    Map.Entry<Integer, CompletableFuture<ChunkGate.Permit>> waiting =
        gate.requests.poll(2, TimeUnit.MINUTES);
    assertThat(waiting).as("the second chunk's request").isNotNull();
    run.cancel();
    RunSummary summary = run.await(Duration.ofMinutes(2)).orElseThrow();
    assertThat(summary.state()).isEqualTo(RunState.CANCELLED);
    assertThat(waiting.getValue()).as("withdrawn").isCancelled();
    assertThat(events.events(RunEvent.ChunkCommitted.class).size()).isEqualTo(1);
    assertThat(gate.closed.get()).isEqualTo(1);
    assertThat(gate.held.get()).isZero();
  }
}
