package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session cache without Spark: keys, leases, LRU eviction by count and bytes, closing, hashes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrtSessionCacheTest {
  private static final SessionCacheLimits ROOMY = new SessionCacheLimits(8, 1L << 30);

  @TempDir Path dir;

  /** A distinct Identity model (its own sha256) written to {@code dir}. */
  private ModelHandle model(String name, int threads) throws IOException {
    byte[] bytes = OnnxTestModels.identity(name, OnnxTestModels.FLOAT, 2);
    Path file = dir.resolve(name + ".onnx");
    Files.write(file, bytes);
    return new ModelHandle(file.toString(), ModelFiles.sha256(bytes), threads);
  }

  private static ModelHandle withOptions(ModelHandle model, SessionOptions options) {
    return new ModelHandle(model.uri(), model.sha256(), options, model.device());
  }

  /** Runs the Identity model on one row: works only while the session is open. */
  private static float[] score(OrtSession session) throws OrtException {
    try (OnnxTensor x =
            OnnxTensor.createTensor(OrtSessionCache.environment(), new float[][] {{1.5f, -2f}});
        OrtSession.Result result = session.run(Map.of("x", x))) {
      return ((float[][]) result.get(0).getValue())[0];
    }
  }

  @Test
  void theSameKeyGetsTheSameSessionLoadedOnce() throws Exception {
    OrtSessionCache cache = new OrtSessionCache(ROOMY);
    ModelHandle model = model("same", 1);
    try (SessionLease first = cache.acquire(model);
        SessionLease second = cache.acquire(model)) {
      assertThat(second.session()).isSameAs(first.session());
      assertThat(cache.cachedSessions()).isEqualTo(1);
      assertThat(cache.openSessions()).isEqualTo(1);
      assertThat(score(first.session())).containsExactly(1.5f, -2f);
    }
    try (SessionLease again = cache.acquire(model)) {
      assertThat(cache.openSessions()).as("released sessions stay cached").isEqualTo(1);
    }
    cache.closeAll();
  }

  @Test
  void threadsOptimisationOrExecutionModeMakeADifferentSession() throws Exception {
    OrtSessionCache cache = new OrtSessionCache(ROOMY);
    ModelHandle oneThread = model("options", 1);
    ModelHandle twoThreads = new ModelHandle(oneThread.uri(), oneThread.sha256(), 2);
    ModelHandle basicOpt =
        withOptions(
            oneThread, new SessionOptions(1, 1, ExecutionMode.SEQUENTIAL, OptLevel.BASIC_OPT));
    ModelHandle parallel =
        withOptions(oneThread, new SessionOptions(1, 2, ExecutionMode.PARALLEL, OptLevel.ALL_OPT));
    try (SessionLease a = cache.acquire(oneThread);
        SessionLease b = cache.acquire(twoThreads);
        SessionLease c = cache.acquire(basicOpt);
        SessionLease d = cache.acquire(parallel)) {
      assertThat(List.of(a.session(), b.session(), c.session(), d.session()))
          .doesNotHaveDuplicates();
      assertThat(cache.cachedSessions()).isEqualTo(4);
      assertThat(oneThread.sessionKey()).isNotEqualTo(twoThreads.sessionKey());
      assertThat(oneThread.sessionKey())
          .isEqualTo(new ModelHandle(oneThread.uri(), oneThread.sha256(), 1).sessionKey());
    }
    cache.closeAll();
    assertThat(cache.openSessions()).isZero();
  }

  @Test
  void anEvictedSessionIsClosedOnlyWhenItsLastLeaseIsReleased() throws Exception {
    OrtSessionCache cache = new OrtSessionCache(new SessionCacheLimits(2, 1L << 30));
    ModelHandle a = model("a", 1);
    ModelHandle b = model("b", 1);
    ModelHandle c = model("c", 1);
    SessionLease heldA = cache.acquire(a);
    SessionLease secondA = cache.acquire(a);
    cache.acquire(b).close();
    try (SessionLease heldC = cache.acquire(c)) {
      // a is the least recently used: evicted, but two tasks still hold it
      assertThat(cache.cachedSessions()).isEqualTo(2);
      assertThat(cache.openSessions()).isEqualTo(3);
      heldA.close();
      assertThat(cache.openSessions()).as("one lease is still open").isEqualTo(3);
      assertThat(score(secondA.session())).containsExactly(1.5f, -2f);
      OrtSession evicted = secondA.session();
      secondA.close();
      assertThat(cache.openSessions()).as("closed at its last release").isEqualTo(2);
      assertThatThrownBy(() -> score(evicted)).isInstanceOf(IllegalStateException.class);
      secondA.close(); // a second release changes nothing
      assertThat(cache.openSessions()).isEqualTo(2);
      assertThatThrownBy(secondA::session).isInstanceOf(IllegalStateException.class);
    }
    try (SessionLease again = cache.acquire(a)) {
      assertThat(score(again.session()))
          .as("an evicted model loads again")
          .containsExactly(1.5f, -2f);
      assertThat(cache.cachedSessions()).isEqualTo(2);
    }
    cache.closeAll();
    assertThat(cache.openSessions()).isZero();
  }

  @Test
  void theByteLimitEvictsTheLeastRecentlyUsedIdleSessionAtOnce() throws Exception {
    ModelHandle a = model("bytes-a", 1);
    ModelHandle b = model("bytes-b", 1);
    long size = Files.size(Path.of(a.uri()));
    OrtSessionCache cache =
        new OrtSessionCache(new SessionCacheLimits(8, size + Files.size(Path.of(b.uri())) - 1));
    OrtSession first;
    try (SessionLease lease = cache.acquire(a)) {
      first = lease.session();
    }
    try (SessionLease lease = cache.acquire(b)) {
      assertThat(cache.cachedSessions()).isEqualTo(1);
      assertThat(cache.cachedModelBytes()).isEqualTo(Files.size(Path.of(b.uri())));
      assertThat(cache.openSessions()).as("the idle session is closed on eviction").isEqualTo(1);
      assertThatThrownBy(() -> score(first)).isInstanceOf(IllegalStateException.class);
    }
    cache.closeAll();
  }

  @Test
  void closeAllClosesIdleSessionsNowAndLeasedOnesAtRelease() throws Exception {
    OrtSessionCache cache = new OrtSessionCache(ROOMY);
    cache.acquire(model("idle", 1)).close();
    SessionLease held = cache.acquire(model("held", 1));
    cache.closeAll();
    assertThat(cache.cachedSessions()).isZero();
    assertThat(cache.cachedModelBytes()).isZero();
    assertThat(cache.openSessions()).isEqualTo(1);
    assertThat(score(held.session())).containsExactly(1.5f, -2f);
    held.close();
    assertThat(cache.openSessions()).isZero();
  }

  @Test
  void thePluginsShutdownClosesTheSharedCache() throws Exception {
    OrtSessionCache shared = OrtSessionCache.shared();
    int before = shared.openSessions();
    shared.acquire(model("plugin-idle", 1)).close();
    SessionLease held = shared.acquire(model("plugin-held", 1));
    assertThat(shared.openSessions()).isEqualTo(before + 2);

    new LakeBatchSparkPlugin().executorPlugin().shutdown();

    assertThat(shared.cachedSessions()).isZero();
    assertThat(shared.openSessions())
        .as("the leased session waits for its task")
        .isEqualTo(before + 1);
    held.close();
    assertThat(shared.openSessions()).isEqualTo(before);
    try (SessionLease after = shared.acquire(model("plugin-after", 1))) {
      assertThat(score(after.session()))
          .as("usable by a later SparkContext")
          .containsExactly(1.5f, -2f);
    }
    new LakeBatchSparkPlugin().driverPlugin().shutdown();
    assertThat(shared.cachedSessions()).isZero();
    assertThat(shared.openSessions()).isEqualTo(before);
  }

  @Test
  void aFileWhoseSha256IsNotThePlannedOneFailsClearlyAndIsNotCached() throws Exception {
    OrtSessionCache cache = new OrtSessionCache(ROOMY);
    ModelHandle model = model("changed", 1);
    String planned = "0".repeat(64);
    ModelHandle stale = new ModelHandle(model.uri(), planned, 1);
    assertThatThrownBy(() -> cache.acquire(stale))
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining("model file " + model.uri() + " changed while the job ran")
        .hasMessageContaining("sha256 " + model.sha256())
        .hasMessageContaining("planned " + planned);
    assertThat(cache.cachedSessions()).isZero();
    assertThat(cache.openSessions()).isZero();
    try (SessionLease lease = cache.acquire(model)) {
      assertThat(score(lease.session())).containsExactly(1.5f, -2f);
    }
    cache.closeAll();
  }

  @Test
  void tasksAskingAtOnceShareOneLoad() throws Exception {
    OrtSessionCache cache = new OrtSessionCache(ROOMY);
    ModelHandle model = model("concurrent", 1);
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<SessionLease> leases = new ArrayList<>();
    try {
      List<Future<SessionLease>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.acquire(model);
                }));
      }
      start.countDown();
      for (Future<SessionLease> future : futures) {
        leases.add(future.get(30, TimeUnit.SECONDS));
      }
      assertThat(leases.stream().map(SessionLease::session).distinct()).hasSize(1);
      assertThat(cache.openSessions()).isEqualTo(1);
    } finally {
      leases.forEach(SessionLease::close);
      pool.shutdownNow();
    }
    cache.closeAll();
    assertThat(cache.openSessions()).isZero();
  }
}
