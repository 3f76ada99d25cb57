package io.lakebatch.udf;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads model files from a local path or any Hadoop file system, and hashes them. */
public final class ModelFiles {
  private ModelFiles() {}

  /**
   * Reads {@code uri} with this JVM's Spark Hadoop configuration ({@link
   * SparkHadoopConfiguration}): on an executor, the job's {@code spark.hadoop.*} settings
   * (object-store endpoints, credentials) apply.
   */
  public static byte[] read(String uri) {
    return read(uri, SparkHadoopConfiguration.ofThisJvm());
  }

  /**
   * Reads {@code uri} with {@code hadoopConf}; on the driver, the session's {@code
   * hadoopConfiguration()}.
   */
  public static byte[] read(String uri, Configuration hadoopConf) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (FileNotFoundException e) {
      throw LakeBatchErrors.invalidSpec("model.path", "no model file at " + uri);
    } catch (IOException e) {
      throw LakeBatchErrors.modelUnreadable(uri, e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
