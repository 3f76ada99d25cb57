package io.lakebatch.udf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.model.TensorFeed;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * Picks a batch size for {@code batch-size: auto}: doubles the batch from 64 while throughput on
 * the loaded model still improves by at least 10 %, within a memory cap on the input buffers.
 */
public final class BatchSizeProbe {
  private static final int START = 64;
  private static final int MAX = 16_384;
  private static final long MAX_BUFFER_BYTES = 64L << 20;
  private static final double MIN_GAIN = 1.10;

  private BatchSizeProbe() {}

  public static int choose(OrtSession session, List<TensorFeed> feeds, PrintStream log) throws OrtException {
    long bytesPerRow = feeds.stream().mapToLong(f -> 8L * f.elementsPerRow()).sum();
    int best = START;
    double bestRate = rate(session, feeds, START);
    for (int size = START * 2; size <= MAX && size * bytesPerRow <= MAX_BUFFER_BYTES; size *= 2) {
      double rate = rate(session, feeds, size);
      if (rate < bestRate * MIN_GAIN) {
        break;
      }
      best = size;
      bestRate = rate;
    }
    log.printf("batch-size auto: chose %d rows (%,.0f rows/s in the probe)%n", best, bestRate);
    return best;
  }

  /** Rows per second of zero-filled batches of {@code size}, best of a few repetitions. */
  private static double rate(OrtSession session, List<TensorFeed> feeds, int size) throws OrtException {
    TensorBatch batch = new TensorBatch(feeds, schemaFor(feeds), size);
    double best = 0;
    for (int repetition = 0; repetition < 4; repetition++) {
      Map<String, OnnxTensor> tensors = batch.tensors(OrtSessionCache.environment(), size);
      try {
        long start = System.nanoTime();
        session.run(tensors).close();
        best = Math.max(best, size / ((System.nanoTime() - start) / 1e9));
      } finally {
        tensors.values().forEach(OnnxTensor::close);
      }
    }
    return best;
  }

  private static StructType schemaFor(List<TensorFeed> feeds) {
    StructType schema = new StructType();
    for (TensorFeed feed : feeds) {
      for (String column : feed.columns()) {
        if (schema.getFieldIndex(column).isEmpty()) {
          org.apache.spark.sql.types.DataType element = SparkTypeMapping.dataType(feed.tensorType());
          schema = schema.add(column, feed.arrayColumn() ? org.apache.spark.sql.types.DataTypes.createArrayType(element) : element);
        }
      }
    }
    return schema;
  }
}
