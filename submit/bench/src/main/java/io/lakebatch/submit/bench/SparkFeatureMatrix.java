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
import org.apache.spark.sql.types.ArrayType;

/**
 * Collects float columns (plain {@code float} or {@code array<float>}, flattened) of a table into
 * one row-major {@code float[]} on the driver. Each task packs its rows into byte blocks of about
 * {@value #BLOCK_VALUES} values, so the driver never holds millions of boxed {@link Row}s.
 */
final class SparkFeatureMatrix {
  private static final int BLOCK_VALUES = 1 << 20;

  private SparkFeatureMatrix() {}

  /**
   * Row-major values {@code [rows x valuesPerRow]}; the row order is whatever Spark reads.
   *
   * @param valuesPerRow values of the columns together in one row; every row must have exactly this
   *     many
   */
  static float[] collect(Dataset<Row> table, List<String> columns, int valuesPerRow) {
    Dataset<byte[]> blocks =
        table
            .select(columns.stream().map(functions::col).toArray(Column[]::new))
            .mapPartitions(new PackRows(valuesPerRow), Encoders.BINARY());
    List<byte[]> collected = blocks.collectAsList();
    long values = collected.stream().mapToLong(b -> b.length / Float.BYTES).sum();
    if (values > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Too many feature values to hold in one array: " + values);
    }
    float[] matrix = new float[(int) values];
    int offset = 0;
    for (byte[] block : collected) {
      int count = block.length / Float.BYTES;
      ByteBuffer.wrap(block)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(matrix, offset, count);
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
      int rowsPerBlock = Math.max(1, BLOCK_VALUES / width);
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
          ByteBuffer block =
              ByteBuffer.allocate(rowsPerBlock * width * Float.BYTES)
                  .order(ByteOrder.LITTLE_ENDIAN);
          for (int filled = 0; filled < rowsPerBlock && rows.hasNext(); filled++) {
            pack(rows.next(), block);
          }
          byte[] packed = new byte[block.position()];
          block.flip().get(packed);
          return packed;
        }
      };
    }

    private void pack(Row row, ByteBuffer block) {
      int start = block.position();
      for (int i = 0; i < row.length(); i++) {
        if (row.schema().fields()[i].dataType() instanceof ArrayType) {
          for (Object value : row.getList(i)) {
            block.putFloat((Float) value);
          }
        } else {
          block.putFloat(row.getFloat(i));
        }
      }
      if (block.position() - start != width * Float.BYTES) {
        throw new IllegalStateException(
            String.format(
                "row has %d float values, expected %d",
                (block.position() - start) / Float.BYTES, width));
      }
    }
  }
}
