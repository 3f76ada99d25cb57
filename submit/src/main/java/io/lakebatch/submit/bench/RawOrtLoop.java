package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Path (b): ONNX Runtime with nothing around it. {@code threads} threads share one session; thread
 * {@code t} scores batches {@code t, t + threads, ...} of rows already in memory, each copied into
 * the thread's own direct buffer and wrapped as a tensor without a further copy.
 */
final class RawOrtLoop {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final int features;
  private final int batchSize;
  private final int threads;

  RawOrtLoop(OrtEnvironment env, OrtSession session, String inputName, int features, int batchSize, int threads) {
    this.env = requireNonNull(env, "env is null");
    this.session = requireNonNull(session, "session is null");
    this.inputName = requireNonNull(inputName, "inputName is null");
    if (features < 1 || batchSize < 1 || threads < 1) {
      throw new IllegalArgumentException(String.format(
          "Invalid raw loop shape (all must be positive): features %d, batch %d, threads %d", features, batchSize, threads));
    }
    this.features = features;
    this.batchSize = batchSize;
    this.threads = threads;
  }

  /** What one pass over the rows did; {@code checksum} (the sum of all scores) keeps the outputs live. */
  record Pass(long rows, Duration wall, double checksum) {}

  /** Scores every row of a row-major {@code [rows x features]} matrix; times the loop only. */
  Pass score(float[] matrix) {
    if (matrix.length % features != 0) {
      throw new IllegalArgumentException(
          "Invalid feature matrix: " + matrix.length + " values is not a multiple of " + features + " features");
    }
    int rows = matrix.length / features;
    int batches = (rows + batchSize - 1) / batchSize;
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    LongAdder scored = new LongAdder();
    DoubleAdder checksum = new DoubleAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread worker = new Thread(() -> {
        FloatBuffer buffer = ByteBuffer.allocateDirect(batchSize * features * Float.BYTES)
            .order(ByteOrder.nativeOrder()).asFloatBuffer();
        ready.countDown();
        try {
          start.await();
          double sum = 0;
          long done = 0;
          for (int b = first; b < batches; b += threads) {
            int from = b * batchSize;
            int n = Math.min(batchSize, rows - from);
            sum += scoreBatch(buffer, matrix, from, n);
            done += n;
          }
          scored.add(done);
          checksum.add(sum);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "raw-ort-" + t);
      workers.add(worker);
      worker.start();
    }
    try {
      ready.await();
      long begin = System.nanoTime();
      start.countDown();
      for (Thread worker : workers) {
        worker.join();
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - begin);
      if (failure.get() != null) {
        throw new IllegalStateException("raw ONNX Runtime loop failed: " + failure.get().getMessage(), failure.get());
      }
      if (scored.sum() != rows) {
        throw new IllegalStateException("raw ONNX Runtime loop scored " + scored.sum() + " of " + rows + " rows");
      }
      return new Pass(rows, wall, checksum.sum());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.forEach(Thread::interrupt);
      throw new IllegalStateException("interrupted while the raw ONNX Runtime loop ran", e);
    }
  }

  private double scoreBatch(FloatBuffer buffer, float[] matrix, int from, int n) throws OrtException {
    buffer.clear();
    buffer.put(matrix, from * features, n * features).flip();
    double sum = 0;
    try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, new long[] {n, features});
        OrtSession.Result result = session.run(Map.of(inputName, input))) {
      FloatBuffer scores = ((OnnxTensor) result.get(0)).getFloatBuffer();
      while (scores.hasRemaining()) {
        sum += scores.get();
      }
    }
    return sum;
  }
}
