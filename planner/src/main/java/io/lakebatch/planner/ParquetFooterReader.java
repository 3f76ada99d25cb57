package io.lakebatch.planner;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Reads row groups from Parquet footers through the Hadoop file system. */
public final class ParquetFooterReader implements RowGroupSource {
  private final Configuration conf;

  public ParquetFooterReader(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public List<RowGroup> rowGroups(InputFile file) {
    return rowGroups(file.path());
  }

  public List<RowGroup> rowGroups(String path) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), conf))) {
      return reader.getFooter().getBlocks().stream().map(ParquetFooterReader::toRowGroup).toList();
    } catch (IOException | RuntimeException e) {
      throw LakeBatchErrors.unreadableFile(path, e);
    }
  }

  /** An input file whose row count comes from its footer (Parquet inputs carry no table log). */
  public InputFile describe(String path, long sizeBytes) {
    long rows = rowGroups(path).stream().mapToLong(RowGroup::rows).sum();
    return new InputFile(path, sizeBytes, rows);
  }

  private static RowGroup toRowGroup(BlockMetaData block) {
    return new RowGroup(block.getStartingPos(), block.getCompressedSize(), block.getRowCount());
  }
}
