package io.lakebatch.udf;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionInputStream;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.codec.NonBlockedDecompressorStream;
import org.apache.parquet.hadoop.codec.SnappyCodec;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's Snappy codec, reading each compressed page in one piece rather than in {@code
 * io.file.buffer.size} (4 KB) steps.
 *
 * <p>Why: parquet-java 1.13 (what Spark 3.5 bundles) feeds a page to its Snappy decompressor in
 * buffer-sized steps, and the decompressor grows its direct input buffer by exactly each step,
 * copying all it holds every time: quadratic in the page size (PARQUET-2429, fixed in 1.14).
 * Spark's writer checks the page size only every 100 rows, so a table of images or embeddings
 * written with Spark's defaults has pages of tens of MB, each costing seconds to decompress. The
 * page is already in memory when it is decompressed, so reading it in one step costs one buffer of
 * its size and the decompressor allocates its input once.
 *
 * <p>{@link #install()} puts this codec in parquet-java's per-JVM codec cache under the name of the
 * Snappy codec it replaces, so every Parquet read of the JVM uses it; LakeBatch's Spark plugin and
 * its scoring tasks install it before they read.
 */
public final class PageSizedSnappyCodec extends SnappyCodec {
  /** The step never goes below Hadoop's default buffer, nor above what one page can hold. */
  private static final int MIN_STEP = 4 << 10;

  private static final int MAX_STEP = 256 << 20;

  private static volatile boolean installed;

  /**
   * Makes this codec the one parquet-java uses for Snappy pages in this JVM. Idempotent and cheap
   * after the first call.
   */
  public static void install() {
    if (!installed) {
      synchronized (PageSizedSnappyCodec.class) {
        if (!installed) {
          PageSizedSnappyCodec codec = new PageSizedSnappyCodec();
          codec.setConf(new Configuration(false)); // the writer's side reads its buffer size here
          CodecCache.put(CompressionCodecName.SNAPPY, codec);
          installed = true;
        }
      }
    }
  }

  /** Whether parquet-java's cache holds this codec for Snappy now. */
  static boolean isInstalled() {
    return CodecCache.get(CompressionCodecName.SNAPPY) instanceof PageSizedSnappyCodec;
  }

  @Override
  public CompressionInputStream createInputStream(InputStream stream, Decompressor decompressor)
      throws IOException {
    // the page's bytes are in memory: available() is all that is left of them
    int step = Math.max(MIN_STEP, Math.min(MAX_STEP, stream.available()));
    return new NonBlockedDecompressorStream(stream, decompressor, step);
  }

  /** Reaches parquet-java's static codec cache, which its subclasses may use. */
  private abstract static class CodecCache extends CodecFactory {
    private CodecCache() {
      super(null, 0);
    }

    static void put(CompressionCodecName name, SnappyCodec codec) {
      CODEC_BY_NAME.put(name.getHadoopCompressionCodecClassName(), codec);
    }

    static Object get(CompressionCodecName name) {
      return CODEC_BY_NAME.get(name.getHadoopCompressionCodecClassName());
    }
  }
}
