package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Path (b): ONNX Runtime with nothing around it. {@code threads} threads share one session; thread
 * {@code t} scores batches {@code t, t + threads, ...} of rows already in memory ({@link
 * InMemoryRows}), each written into the thread's own buffers, and reads one output.
 */
final class RawOrtLoop {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String outputName;
  private final int batchSize;
  private final int threads;

  RawOrtLoop(
      OrtEnvironment env, OrtSession session, String outputName, int batchSize, int threads) {
    this.env = requireNonNull(env, "env is null");
    this.session = requireNonNull(session, "session is null");
    this.outputName = requireNonNull(outputName, "outputName is null");
    if (batchSize < 1 || threads < 1) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid raw loop shape (all must be positive): batch %d, threads %d",
              batchSize, threads));
    }
    this.batchSize = batchSize;
    this.threads = threads;
  }

  /**
   * What one pass over the rows did; {@code checksum} (the sum of all outputs) keeps the outputs
   * live.
   */
  record Pass(long rows, Duration wall, double checksum) {}

  /** Scores every row; times the loop only. */
  Pass score(InMemoryRows input) {
    int rows = input.rows();
    int batches = (rows + batchSize - 1) / batchSize;
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    LongAdder scored = new LongAdder();
    DoubleAdder checksum = new DoubleAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  InMemoryRows.BatchWriter writer = input.writer(batchSize);
                  ready.countDown();
                  start.await();
                  double sum = 0;
                  long done = 0;
                  for (int b = first; b < batches; b += threads) {
                    int from = b * batchSize;
                    int n = Math.min(batchSize, rows - from);
                    sum += scoreBatch(writer.tensors(env, from, n));
                    done += n;
                  }
                  scored.add(done);
                  checksum.add(sum);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  ready.countDown();
                }
              },
              "raw-ort-" + t);
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
        throw new IllegalStateException(
            "raw ONNX Runtime loop failed: " + failure.get().getMessage(), failure.get());
      }
      if (scored.sum() != rows) {
        throw new IllegalStateException(
            "raw ONNX Runtime loop scored " + scored.sum() + " of " + rows + " rows");
      }
      return new Pass(rows, wall, checksum.sum());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.forEach(Thread::interrupt);
      throw new IllegalStateException("interrupted while the raw ONNX Runtime loop ran", e);
    }
  }

  private double scoreBatch(Map<String, OnnxTensor> inputs) throws OrtException {
    double sum = 0;
    try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
      FloatBuffer scores = ((OnnxTensor) result.get(0)).getFloatBuffer();
      while (scores.hasRemaining()) {
        sum += scores.get();
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
    return sum;
  }
}
