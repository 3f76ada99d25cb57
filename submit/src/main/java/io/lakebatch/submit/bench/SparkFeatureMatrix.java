package io.lakebatch.submit.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Collects float feature columns of a table into one row-major {@code float[]} on the driver. Each
 * task packs its rows into byte blocks, so the driver never holds millions of boxed {@link Row}s.
 */
final class SparkFeatureMatrix {
  private static final int ROWS_PER_BLOCK = 65_536;

  private SparkFeatureMatrix() {}

  /** Row-major values {@code [rows x columns.size()]}; the row order is whatever Spark reads. */
  static float[] collect(Dataset<Row> table, List<String> columns) {
    int width = columns.size();
    Dataset<byte[]> blocks = table.select(columns.stream().map(functions::col).toArray(Column[]::new))
        .mapPartitions(new PackRows(width), Encoders.BINARY());
    List<byte[]> collected = blocks.collectAsList();
    long values = collected.stream().mapToLong(b -> b.length / Float.BYTES).sum();
    if (values > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Too many feature values to hold in one array: " + values);
    }
    float[] matrix = new float[(int) values];
    int offset = 0;
    for (byte[] block : collected) {
      int count = block.length / Float.BYTES;
      ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(matrix, offset, count);
      offset += count;
    }
    return matrix;
  }

  private static final class PackRows implements MapPartitionsFunction<Row, byte[]> {
    private final int width;

    PackRows(int width) {
      this.width = width;
    }

    @Override
    public Iterator<byte[]> call(Iterator<Row> rows) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public byte[] next() {
          if (!rows.hasNext()) {
            throw new NoSuchElementException();
          }
          ByteBuffer block = ByteBuffer.allocate(ROWS_PER_BLOCK * width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
          for (int filled = 0; filled < ROWS_PER_BLOCK && rows.hasNext(); filled++) {
            Row row = rows.next();
            for (int i = 0; i < width; i++) {
              block.putFloat(row.getFloat(i));
            }
          }
          byte[] packed = new byte[block.position()];
          block.flip().get(packed);
          return packed;
        }
      };
    }
  }
}
