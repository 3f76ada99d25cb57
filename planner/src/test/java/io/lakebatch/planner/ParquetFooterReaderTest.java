package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFooterReaderTest {
  private static final int ROWS = 100_000;
  private static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType("message m { required int64 id; required float f0; }");

  @TempDir static java.nio.file.Path dir;

  private static Configuration conf;
  private static String parquetPath;
  private static long parquetSize;

  @BeforeAll
  static void writeParquetFile() throws IOException {
    conf = new Configuration();
    java.nio.file.Path file = dir.resolve("data.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new Path(file.toString()))
        .withConf(conf)
        .withType(SCHEMA)
        .withRowGroupSize(64 * 1024)
        .withPageSize(8 * 1024)
        .withDictionaryEncoding(false)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build()) {
      for (int i = 0; i < ROWS; i++) {
        writer.write(groups.newGroup().append("id", (long) i).append("f0", i * 0.5f));
      }
    }
    parquetPath = file.toString();
    parquetSize = Files.size(file);
  }

  @Test
  void readsRowGroupsFromARealFooter() {
    List<RowGroup> groups = new ParquetFooterReader(conf).rowGroups(parquetPath);

    assertThat(groups).as("a 64 KiB row-group size gives several row groups").hasSizeGreaterThan(3);
    assertThat(groups.stream().mapToLong(RowGroup::rows).sum()).isEqualTo(ROWS);
    assertThat(groups).allSatisfy(g -> {
      assertThat(g.rows()).isPositive();
      assertThat(g.compressedSize()).isPositive();
    });
    assertThat(groups.get(0).offset()).as("first row group right after the PAR1 magic").isEqualTo(4);
    for (int i = 1; i < groups.size(); i++) {
      RowGroup previous = groups.get(i - 1);
      assertThat(groups.get(i).offset()).isGreaterThan(previous.offset());
      assertThat(groups.get(i).offset()).isGreaterThanOrEqualTo(previous.offset() + previous.compressedSize());
    }
    RowGroup last = groups.get(groups.size() - 1);
    assertThat(last.offset() + last.compressedSize()).isLessThan(parquetSize);
  }

  @Test
  void rowGroupsOfAnInputFileAndDescribeAgreeWithTheFooter() {
    ParquetFooterReader reader = new ParquetFooterReader(conf);
    InputFile described = reader.describe(parquetPath, parquetSize);

    assertThat(described).isEqualTo(new InputFile(parquetPath, parquetSize, ROWS));
    assertThat(reader.rowGroups(described)).isEqualTo(reader.rowGroups(parquetPath));
  }

  @Test
  void plannedSplitsSelectExactlyTheirRowsWhenReadByParquet() throws IOException {
    ParquetFooterReader footers = new ParquetFooterReader(conf);
    InputFile file = footers.describe(parquetPath, parquetSize);
    InferencePlan plan = ChunkPlanner.plan(
        List.of(file), footers, new PlanningOptions(60_000, OptionalLong.of(15_000), 4, 2));

    List<FileSplit> splits = new ArrayList<>(plan.chunks().stream().flatMap(c -> c.splits().stream()).toList());
    assertThat(splits).hasSizeGreaterThan(3);
    long total = 0;
    for (FileSplit split : splits) {
      // Parquet's own range filter keeps the row groups whose midpoint falls in [start, end).
      ParquetReadOptions options = HadoopReadOptions.builder(conf)
          .withRange(split.start(), split.start() + split.length())
          .build();
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(new Path(parquetPath), conf), options)) {
        assertThat(reader.getRecordCount()).as("rows Parquet reads for %s", split).isEqualTo(split.rows());
        total += reader.getRecordCount();
      }
    }
    assertThat(total).isEqualTo(ROWS);
  }

  @Test
  void nonParquetFileIsADataErrorNamingTheFile() throws IOException {
    java.nio.file.Path text = dir.resolve("not-parquet.csv");
    Files.writeString(text, "id,f0\n1,0.5\n2,1.0\nthis is not a parquet file at all\n", StandardCharsets.UTF_8);
    ParquetFooterReader reader = new ParquetFooterReader(conf);

    assertThatThrownBy(() -> reader.rowGroups(text.toString()))
        .isInstanceOfSatisfying(LakeBatchException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(text.toString())
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> reader.describe(text.toString(), Files.size(text)))
        .isInstanceOfSatisfying(LakeBatchException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(text.toString());
  }

  @Test
  void missingFileIsADataErrorNamingTheFile() {
    String missing = dir.resolve("missing.parquet").toString();
    assertThatThrownBy(() -> new ParquetFooterReader(conf).rowGroups(new InputFile(missing, 10, 1)))
        .isInstanceOfSatisfying(LakeBatchException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(missing);
  }

  @Test
  void emptyFileIsADataError() throws IOException {
    java.nio.file.Path empty = Files.createFile(dir.resolve("empty.parquet"));
    assertThatThrownBy(() -> new ParquetFooterReader(conf).rowGroups(empty.toString()))
        .isInstanceOfSatisfying(LakeBatchException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(empty.toString());
  }
}
