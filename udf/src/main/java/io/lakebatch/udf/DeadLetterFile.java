package io.lakebatch.udf;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * A data file of dead-letter rows that one task wrote into the dead-letter table's folder, not yet
 * committed to the table.
 *
 * @param partition the task's partition (a retried or speculative task reports the same one)
 * @param path file name relative to the table's root
 * @param modificationTime milliseconds since the epoch, as the file system reports it
 */
public record DeadLetterFile(
    int partition, String path, long sizeBytes, long rows, long modificationTime)
    implements Serializable {
  public DeadLetterFile {
    requireNonNull(path, "path is null");
    if (rows <= 0) {
      throw new IllegalArgumentException("Invalid dead-letter file rows (negative or 0): " + rows);
    }
  }
}
