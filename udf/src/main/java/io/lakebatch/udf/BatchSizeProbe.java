package io.lakebatch.udf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.model.TensorFeed;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Picks a batch size for {@code batch-size: auto}, on an executor, with real rows: doubles the
 * batch from {@value #START} while the model's throughput on these rows still improves by at least
 * 10 %, within a cap on the input buffers ({@value #MAX_BUFFER_BYTES} bytes) and on the time one
 * batch may take, so a slow model stops early.
 */
public final class BatchSizeProbe
    implements FlatMapFunction<Iterator<InternalRow>, BatchSizeProbe.Choice> {
  static final int START = 32;
  static final int MAX = 16_384;
  static final long MAX_BUFFER_BYTES = 64L << 20;
  private static final double MIN_GAIN = 1.10;
  private static final long MAX_BATCH_NANOS = 2_000_000_000L;
  private static final int REPETITIONS = 3;

  private final InferenceConfig config;

  /**
   * @param config the job's config; its own batch size is ignored
   */
  public BatchSizeProbe(InferenceConfig config) {
    this.config = config;
  }

  /** The chosen size, the rate measured at it, and every size tried with its rate. */
  public record Choice(int batchSize, double rowsPerSecond, List<int[]> tried, int sampleRows)
      implements Serializable {
    /** One line for logs and the run summary. */
    public String describe() {
      StringBuilder sizes = new StringBuilder();
      for (int[] t : tried) {
        sizes
            .append(sizes.length() == 0 ? "" : ", ")
            .append(t[0])
            .append(": ")
            .append(String.format("%,d", t[1]));
      }
      return String.format(
          "batch-size auto: chose %d rows (%,.0f rows/s on %d real rows; rows/s by size: %s)",
          batchSize, rowsPerSecond, sampleRows, sizes);
    }
  }

  @Override
  public Iterator<Choice> call(Iterator<InternalRow> rows) {
    return List.of(choose(rows)).iterator();
  }

  /** Probes the model with up to {@value #MAX} valid rows of {@code rows} (cycled when fewer). */
  public Choice choose(Iterator<InternalRow> rows) {
    List<TensorFeed> feeds = config.binding().feeds();
    long bytesPerRow = Math.max(1, feeds.stream().mapToLong(f -> 8L * f.elementsPerRow()).sum());
    int cap = (int) Math.min(MAX, Math.max(START, MAX_BUFFER_BYTES / bytesPerRow));
    List<InternalRow> sample = new ArrayList<>();
    TensorBatch check = new TensorBatch(feeds, config.inputSchema(), 1);
    while (sample.size() < cap && rows.hasNext()) {
      InternalRow row = rows.next();
      if (check.write(row, 0) == null) {
        sample.add(row.copy());
      }
    }
    if (sample.isEmpty()) {
      return new Choice(START, 0, List.of(), 0);
    }
    // Text rows are length-sorted before batching (LengthSortedRows): probe with neighbours in
    // length order from the middle of the sample, so padding is what a real batch has.
    feeds.stream()
        .filter(TensorFeed::isText)
        .findFirst()
        .ifPresent(
            text -> {
              int ordinal = config.inputSchema().fieldIndex(text.columns().get(0));
              sample.sort(
                  java.util.Comparator.comparingInt(r -> r.getUTF8String(ordinal).numBytes()));
            });
    List<int[]> tried = new ArrayList<>();
    int best = START;
    double bestRate = 0;
    try (SessionLease lease = OrtSessionCache.shared().acquire(config.model())) {
      for (int size = START; size <= cap; size *= 2) {
        double[] measured = rate(lease.session(), feeds, sample, size);
        tried.add(new int[] {size, (int) measured[0]});
        if (measured[0] < bestRate * MIN_GAIN) {
          break;
        }
        best = size;
        bestRate = measured[0];
        if (measured[1] > MAX_BATCH_NANOS) {
          break;
        }
      }
    }
    return new Choice(best, bestRate, tried, sample.size());
  }

  /**
   * Rows per second at {@code size} (best of a few runs) and the nanoseconds of the slowest run.
   */
  private double[] rate(
      OrtSession session, List<TensorFeed> feeds, List<InternalRow> sample, int size) {
    TensorBatch batch = new TensorBatch(feeds, config.inputSchema(), size);
    int first = Math.max(0, (sample.size() - size) / 2);
    for (int slot = 0; slot < size; slot++) {
      batch.write(sample.get((first + slot) % sample.size()), slot);
    }
    double best = 0;
    long slowest = 0;
    for (int repetition = 0; repetition < REPETITIONS; repetition++) {
      Map<String, OnnxTensor> tensors = null;
      try {
        tensors = batch.tensors(OrtSessionCache.environment(), size);
        long start = System.nanoTime();
        session.run(tensors).close();
        long nanos = System.nanoTime() - start;
        slowest = Math.max(slowest, nanos);
        best = Math.max(best, size / (nanos / 1e9));
        if (nanos > MAX_BATCH_NANOS) {
          break;
        }
      } catch (OrtException e) {
        throw LakeBatchErrors.modelFailed(
            config.model().uri(), "a probe batch of " + size + " rows", e);
      } finally {
        if (tensors != null) {
          tensors.values().forEach(OnnxTensor::close);
        }
      }
    }
    return new double[] {best, slowest};
  }
}
