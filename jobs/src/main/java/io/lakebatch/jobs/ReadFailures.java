package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Classifies a failure to read an input file: a file that is gone, truncated or not valid Parquet
 * will fail the same way every time (DATA, not retried); any other I/O error (timeout, connection
 * reset, a storage hiccup) may pass (TRANSIENT, retried with backoff).
 */
final class ReadFailures {
  private ReadFailures() {}

  static LakeBatchException classify(String file, Throwable failure) {
    return isPermanent(failure)
        ? LakeBatchErrors.unreadableFile(file, failure)
        : LakeBatchErrors.transientFailure("input file " + file + " could not be read", failure);
  }

  static boolean isPermanent(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean io = false;
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof FileNotFoundException
          || t instanceof EOFException
          || t.getClass().getName().equals("org.apache.parquet.io.ParquetDecodingException")
          || t.getClass().getName().equals("org.apache.hadoop.fs.ChecksumException")
          || t.getClass()
              .getName()
              .equals(
                  "org.apache.spark.sql.execution.datasources.SchemaColumnConvertNotSupportedException")
          || (t.getMessage() != null && t.getMessage().contains("is not a Parquet file"))) {
        return true;
      }
      io |= t instanceof IOException;
    }
    return !io;
  }
}
