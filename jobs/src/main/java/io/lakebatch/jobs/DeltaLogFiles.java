package io.lakebatch.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Scan;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.ScanImpl;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The data files of one version of a Delta table, read from its log by Delta Kernel on the driver.
 * Spark's Delta computes the same list with a state-reconstruction query (several Spark jobs, and
 * in a fresh JVM ~5 s of Catalyst and code generation before the first chunk); Kernel reads the
 * commit files and checkpoints directly.
 */
final class DeltaLogFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One data file as the version's log lists it.
   *
   * @param path absolute, in the form Spark's Delta file index gives it
   * @param partitionValues serialized partition values by physical column name (null: a null value)
   * @param rows {@code numRecords} from the file's statistics, when written
   * @param hasDeletionVector rows of the file are deleted by a deletion vector
   */
  record DeltaFile(
      String path,
      long sizeBytes,
      long modificationTime,
      Map<String, String> partitionValues,
      OptionalLong rows,
      boolean hasDeletionVector) {}

  private DeltaLogFiles() {}

  /**
   * The files of {@code version} of the table at {@code tablePath}.
   *
   * @throws io.delta.kernel.exceptions.KernelException when Kernel cannot read the table (e.g. a
   *     table feature it does not support); the caller may list with Spark instead
   */
  static List<DeltaFile> list(Configuration hadoopConf, String tablePath, long version) {
    Engine engine = DefaultEngine.create(hadoopConf);
    Scan scan =
        Table.forPath(engine, tablePath)
            .getSnapshotAsOfVersion(engine, version)
            .getScanBuilder(engine)
            .build();
    List<DeltaFile> files = new ArrayList<>();
    // ScanImpl's overload adds each file's statistics (row counts) to the scan files
    try (CloseableIterator<FilteredColumnarBatch> batches =
        ((ScanImpl) scan).getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            files.add(file(rows.next()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static DeltaFile file(Row scanFile) {
    FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
    Row add = scanFile.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
    int stats = InternalScanFileUtils.ADD_FILE_STATS_ORDINAL;
    return new DeltaFile(
        new Path(status.getPath()).toString(),
        status.getSize(),
        status.getModificationTime(),
        InternalScanFileUtils.getPartitionValues(scanFile),
        add.isNullAt(stats) ? OptionalLong.empty() : numRecords(add.getString(stats)),
        InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile) != null);
  }

  private static OptionalLong numRecords(String stats) {
    try {
      JsonNode records = JSON.readTree(stats).get("numRecords");
      return records != null && records.canConvertToLong()
          ? OptionalLong.of(records.asLong())
          : OptionalLong.empty();
    } catch (IOException e) {
      // statistics are an optimisation: without them the footer gives the row count
      return OptionalLong.empty();
    }
  }
}
