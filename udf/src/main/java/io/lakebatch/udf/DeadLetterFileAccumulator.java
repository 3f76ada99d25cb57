package io.lakebatch.udf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Gathers on the driver the dead-letter files a chunk's tasks wrote: one small record per task,
 * whatever the number or size of the rows in it.
 *
 * <p>Files are kept by partition and a partition's file replaces an earlier one on merge: a task
 * that ran twice (a retry after a lost executor, a speculative copy) wrote two files of the same
 * rows, and only one may be committed. The other is never committed and is left to {@code VACUUM}.
 */
public final class DeadLetterFileAccumulator
    extends AccumulatorV2<DeadLetterFile, List<DeadLetterFile>> {
  private Map<Integer, DeadLetterFile> byPartition = new HashMap<>();

  @Override
  public boolean isZero() {
    return byPartition.isEmpty();
  }

  @Override
  public DeadLetterFileAccumulator copy() {
    DeadLetterFileAccumulator copy = new DeadLetterFileAccumulator();
    copy.byPartition = new HashMap<>(byPartition);
    return copy;
  }

  @Override
  public void reset() {
    byPartition = new HashMap<>();
  }

  @Override
  public void add(DeadLetterFile file) {
    byPartition.put(file.partition(), file);
  }

  @Override
  public void merge(AccumulatorV2<DeadLetterFile, List<DeadLetterFile>> other) {
    byPartition.putAll(((DeadLetterFileAccumulator) other).byPartition);
  }

  /** One file per partition that rejected rows, by partition. */
  @Override
  public List<DeadLetterFile> value() {
    List<DeadLetterFile> files = new ArrayList<>(byPartition.values());
    files.sort(Comparator.comparingInt(DeadLetterFile::partition));
    return files;
  }
}
