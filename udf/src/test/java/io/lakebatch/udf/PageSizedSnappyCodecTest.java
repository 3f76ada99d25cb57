package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionOutputStream;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.parquet.hadoop.codec.SnappyCodec;
import org.apache.parquet.hadoop.codec.SnappyDecompressor;
import org.junit.jupiter.api.Test;

class PageSizedSnappyCodecTest {
  /** An image row's worth of floats, about what one Spark-written page of an image column holds. */
  private static final int PAGE_BYTES = 3 * 224 * 224 * 4 * 8;

  @Test
  void aLargePageReachesTheDecompressorInOneStepInsteadOfThousands() throws IOException {
    byte[] page = page();
    byte[] compressed = compress(page);

    SnappyCodec stock = new SnappyCodec();
    stock.setConf(new Configuration(false));
    CountingDecompressor stockSteps = new CountingDecompressor();
    assertThat(decompress(stock, compressed, stockSteps, page.length)).isEqualTo(page);

    CountingDecompressor steps = new CountingDecompressor();
    assertThat(decompress(new PageSizedSnappyCodec(), compressed, steps, page.length))
        .isEqualTo(page);

    assertThat(stockSteps.inputs)
        .as("parquet-java 1.13's codec feeds 4 KB steps, each regrowing the input buffer")
        .isGreaterThan(compressed.length / 8192);
    assertThat(steps.inputs).isEqualTo(1);
  }

  @Test
  void installingMakesItTheCodecOfEveryParquetSnappyReadInTheJvm() {
    PageSizedSnappyCodec.install();
    PageSizedSnappyCodec.install();
    assertThat(PageSizedSnappyCodec.isInstalled()).isTrue();
  }

  private static byte[] page() {
    // floats of a smooth image with noise: compressible a little, as real pixels are
    SplittableRandom random = new SplittableRandom(7);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(PAGE_BYTES);
    for (int i = 0; buffer.remaining() >= 4; i++) {
      buffer.putFloat((float) Math.sin(i / 97.0) + (float) random.nextDouble(0, 0.01));
    }
    return buffer.array();
  }

  private static byte[] compress(byte[] page) throws IOException {
    SnappyCodec codec = new SnappyCodec();
    codec.setConf(new Configuration(false));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CompressionOutputStream stream = codec.createOutputStream(out, codec.createCompressor())) {
      stream.write(page);
    }
    return out.toByteArray();
  }

  private static byte[] decompress(
      CompressionCodec codec, byte[] compressed, Decompressor decompressor, int size)
      throws IOException {
    try (InputStream in =
        codec.createInputStream(new ByteArrayInputStream(compressed), decompressor)) {
      return in.readNBytes(size);
    }
  }

  /** Parquet's Snappy decompressor, counting the steps its input arrives in. */
  private static final class CountingDecompressor extends SnappyDecompressor {
    int inputs;

    @Override
    public synchronized void setInput(byte[] buffer, int off, int len) {
      inputs++;
      super.setInput(buffer, off, len);
    }
  }
}
