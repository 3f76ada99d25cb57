package io.lakebatch.planner;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads row groups from Parquet footers through the Hadoop file system. A footer that cannot be
 * read is retried ({@value #ATTEMPTS} attempts in all), then fails naming the file: planning never
 * guesses a file's layout, since a guess would move every later chunk boundary.
 */
public final class ParquetFooterReader implements RowGroupSource {
  static final int ATTEMPTS = 3;
  private static final long RETRY_PAUSE_MILLIS = 200;

  private final Configuration conf;

  public ParquetFooterReader(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public List<RowGroup> rowGroups(InputFile file) {
    return rowGroups(file.path());
  }

  @Override
  public List<RowGroup> rowGroups(InputFile file, List<String> costColumns) {
    return rowGroups(file.path(), costColumns);
  }

  public List<RowGroup> rowGroups(String path) {
    return rowGroups(path, List.of());
  }

  /**
   * The file's row groups with {@link RowGroup#costColumnBytes()} the total uncompressed size of
   * the column chunks under the given top-level columns (every leaf of a nested column). Names
   * match the file's schema exactly.
   *
   * @throws IllegalArgumentException if a column is not a top-level column of the file
   */
  public List<RowGroup> rowGroups(String path, List<String> costColumns) {
    ParquetMetadata footer = footer(path);
    MessageType schema = footer.getFileMetaData().getSchema();
    for (String column : costColumns) {
      if (!schema.containsField(column)) {
        throw new IllegalArgumentException(
            "Cost column "
                + column
                + " is not in "
                + path
                + ", whose columns are "
                + schema.getFields().stream().map(Type::getName).toList());
      }
    }
    Set<String> columns = Set.copyOf(costColumns);
    return footer.getBlocks().stream().map(block -> toRowGroup(block, columns)).toList();
  }

  /**
   * Bytes one row of {@code columns} (top-level names, every leaf) takes once decoded, on average
   * over the file: values per row times their width (the stored bytes for binary values), 0 for an
   * empty file. Unlike the file's size it counts dictionary-encoded or compressed values at their
   * decoded width, which is what a reader's column vectors hold.
   */
  public long decodedRowBytes(String path, List<String> columns) {
    ParquetMetadata footer = footer(path);
    Set<String> wanted = Set.copyOf(columns);
    long rows = 0;
    long bytes = 0;
    for (BlockMetaData block : footer.getBlocks()) {
      rows += block.getRowCount();
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        if (wanted.contains(chunk.getPath().toArray()[0])) {
          int width = valueWidth(chunk.getPrimitiveType().getPrimitiveTypeName());
          bytes += width > 0 ? chunk.getValueCount() * width : chunk.getTotalUncompressedSize();
        }
      }
    }
    return rows == 0 ? 0 : bytes / rows;
  }

  private static int valueWidth(PrimitiveType.PrimitiveTypeName type) {
    return switch (type) {
      case BOOLEAN -> 1;
      case INT32, FLOAT -> 4;
      case INT64, DOUBLE -> 8;
      case INT96 -> 12;
      default -> 0; // binary and fixed-length binary: their stored size stands in
    };
  }

  /** An input file whose row count comes from its footer (Parquet inputs carry no table log). */
  public InputFile describe(String path, long sizeBytes) {
    long rows = rowGroups(path).stream().mapToLong(RowGroup::rows).sum();
    return new InputFile(path, sizeBytes, rows);
  }

  private ParquetMetadata footer(String path) {
    Exception last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return readFooter(path);
      } catch (IOException | RuntimeException e) {
        last = e;
        pause(attempt);
      }
    }
    throw LakeBatchErrors.footerUnreadable(path, ATTEMPTS, last);
  }

  private ParquetMetadata readFooter(String path) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), conf))) {
      return reader.getFooter();
    }
  }

  private static void pause(int attempt) {
    if (attempt == ATTEMPTS) {
      return;
    }
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.internal("interrupted while reading Parquet footers", e);
    }
  }

  private static RowGroup toRowGroup(BlockMetaData block, Set<String> costColumns) {
    long costBytes = 0;
    if (!costColumns.isEmpty()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        if (costColumns.contains(chunk.getPath().toArray()[0])) {
          costBytes += chunk.getTotalUncompressedSize();
        }
      }
    }
    return new RowGroup(
        block.getStartingPos(), block.getCompressedSize(), block.getRowCount(), costBytes);
  }
}
