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
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
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
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
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
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new Path(file.toString()))
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
    assertThat(groups)
        .allSatisfy(
            g -> {
              assertThat(g.rows()).isPositive();
              assertThat(g.compressedSize()).isPositive();
            });
    assertThat(groups.get(0).offset())
        .as("first row group right after the PAR1 magic")
        .isEqualTo(4);
    for (int i = 1; i < groups.size(); i++) {
      RowGroup previous = groups.get(i - 1);
      assertThat(groups.get(i).offset()).isGreaterThan(previous.offset());
      assertThat(groups.get(i).offset())
          .isGreaterThanOrEqualTo(previous.offset() + previous.compressedSize());
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
    InferencePlan plan =
        ChunkPlanner.plan(
            List.of(file), footers, new PlanningOptions(60_000, OptionalLong.of(15_000), 4, 2));

    List<FileSplit> splits =
        new ArrayList<>(plan.chunks().stream().flatMap(c -> c.splits().stream()).toList());
    assertThat(splits).hasSizeGreaterThan(3);
    long total = 0;
    for (FileSplit split : splits) {
      // Parquet's own range filter keeps the row groups whose midpoint falls in [start, end).
      ParquetReadOptions options =
          HadoopReadOptions.builder(conf)
              .withRange(split.start(), split.start() + split.length())
              .build();
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(new Path(parquetPath), conf), options)) {
        assertThat(reader.getRecordCount())
            .as("rows Parquet reads for %s", split)
            .isEqualTo(split.rows());
        total += reader.getRecordCount();
      }
    }
    assertThat(total).isEqualTo(ROWS);
  }

  private static final MessageType TEXT_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message m { required int64 id; required binary text (UTF8); }");
  private static final int TEXT_ROWS = 20_000;

  /**
   * A gzip-compressed file of unique, highly compressible texts of {@code textLength} characters.
   */
  private static InputFile writeTextFile(String name, int textLength) throws IOException {
    java.nio.file.Path file = dir.resolve(name);
    SimpleGroupFactory groups = new SimpleGroupFactory(TEXT_SCHEMA);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new Path(file.toString()))
            .withConf(conf)
            .withType(TEXT_SCHEMA)
            .withRowGroupSize(256 * 1024)
            .withCompressionCodec(CompressionCodecName.GZIP)
            .build()) {
      for (int i = 0; i < TEXT_ROWS; i++) {
        String text = String.format("%08d", i) + "x".repeat(textLength - 8);
        writer.write(groups.newGroup().append("id", (long) i).append("text", text));
      }
    }
    return new InputFile(file.toString(), Files.size(file), TEXT_ROWS);
  }

  @Test
  void costColumnBytesAreTheUncompressedSizesOfTheColumn() throws IOException {
    InputFile shortText = writeTextFile("short-text.parquet", 40);
    InputFile longText = writeTextFile("long-text.parquet", 200);
    ParquetFooterReader reader = new ParquetFooterReader(conf);

    List<RowGroup> shortGroups = reader.rowGroups(shortText, List.of("text"));
    List<RowGroup> longGroups = reader.rowGroups(longText, List.of("text"));
    long shortBytes = shortGroups.stream().mapToLong(RowGroup::costColumnBytes).sum();
    long longBytes = longGroups.stream().mapToLong(RowGroup::costColumnBytes).sum();

    assertThat(longGroups).as("several row groups").hasSizeGreaterThan(3);
    assertThat(longGroups).allSatisfy(g -> assertThat(g.costColumnBytes()).isPositive());
    assertThat(shortBytes).as("at least the texts' bytes").isGreaterThanOrEqualTo(40L * TEXT_ROWS);
    assertThat(longBytes)
        .as("at least the texts' bytes, though gzip makes the file far smaller")
        .isGreaterThanOrEqualTo(200L * TEXT_ROWS)
        .isGreaterThan(10 * longText.sizeBytes());
    assertThat((double) longBytes / shortBytes).as("5x longer text").isBetween(4.0, 5.5);

    // Without cost columns the same row groups, with no column bytes.
    List<RowGroup> plain = reader.rowGroups(longText);
    assertThat(plain).extracting(RowGroup::costColumnBytes).containsOnly(0L);
    assertThat(plain)
        .extracting(RowGroup::rows)
        .isEqualTo(longGroups.stream().map(RowGroup::rows).toList());
    assertThat(plain)
        .extracting(RowGroup::offset)
        .isEqualTo(longGroups.stream().map(RowGroup::offset).toList());

    // Several columns add up.
    long idBytes =
        reader.rowGroups(longText, List.of("id")).stream()
            .mapToLong(RowGroup::costColumnBytes)
            .sum();
    assertThat(idBytes).isGreaterThanOrEqualTo(8L * TEXT_ROWS);
    assertThat(
            reader.rowGroups(longText.path(), List.of("id", "text")).stream()
                .mapToLong(RowGroup::costColumnBytes)
                .sum())
        .isEqualTo(idBytes + longBytes);
  }

  @Test
  void costPlanOverRealFootersWeighsTheLongerTextFile() throws IOException {
    InputFile shortText = writeTextFile("plan-short.parquet", 40);
    InputFile longText = writeTextFile("plan-long.parquet", 200);
    PlanningOptions options =
        new PlanningOptions(
            1_000_000,
            OptionalLong.of(TEXT_ROWS),
            4,
            2,
            RowCost.byColumnBytes(List.of("text"), RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD));
    InferencePlan plan =
        ChunkPlanner.plan(List.of(shortText, longText), new ParquetFooterReader(conf), options);

    assertThat(plan.taskCount()).isEqualTo(2);
    Map<String, Long> costByFile =
        plan.chunks().get(0).tasks().stream()
            .collect(Collectors.toMap(t -> t.splits().get(0).path(), PlannedTask::cost));
    long shortCost = costByFile.get(shortText.path());
    long longCost = costByFile.get(longText.path());
    assertThat(longCost).isGreaterThan(3 * shortCost);
    assertThat(plan.estimatedSkew()).isEqualTo(1.0);
    assertThat(plan.estimatedCostSkew()).isEqualTo((double) longCost / shortCost);
  }

  @Test
  void costColumnMissingFromAFileIsAnIllegalArgumentNamingTheFileAndColumn() {
    ParquetFooterReader reader = new ParquetFooterReader(conf);
    assertThatThrownBy(
            () -> reader.rowGroups(new InputFile(parquetPath, parquetSize, ROWS), List.of("text")))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cost column text is not in " + parquetPath + ", whose columns are [id, f0]");
  }

  @Test
  void nonParquetFileIsADataErrorNamingTheFile() throws IOException {
    java.nio.file.Path text = dir.resolve("not-parquet.csv");
    Files.writeString(
        text, "id,f0\n1,0.5\n2,1.0\nthis is not a parquet file at all\n", StandardCharsets.UTF_8);
    ParquetFooterReader reader = new ParquetFooterReader(conf);

    assertThatThrownBy(() -> reader.rowGroups(text.toString()))
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(text.toString())
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> reader.describe(text.toString(), Files.size(text)))
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(text.toString());
  }

  @Test
  void missingFileIsADataErrorNamingTheFile() {
    String missing = dir.resolve("missing.parquet").toString();
    assertThatThrownBy(() -> new ParquetFooterReader(conf).rowGroups(new InputFile(missing, 10, 1)))
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(missing);
  }

  @Test
  void emptyFileIsADataError() throws IOException {
    java.nio.file.Path empty = Files.createFile(dir.resolve("empty.parquet"));
    assertThatThrownBy(() -> new ParquetFooterReader(conf).rowGroups(empty.toString()))
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(empty.toString());
  }

  @Test
  void aFooterReadThatFailsOnceIsRetriedAndGivesTheSameRowGroups() {
    List<RowGroup> clean = new ParquetFooterReader(conf).rowGroups(parquetPath);
    FailingOpensFileSystem.failNext(ParquetFooterReader.ATTEMPTS - 1);
    assertThat(
            new ParquetFooterReader(FailingOpensFileSystem.configuration(conf))
                .rowGroups(parquetPath))
        .as("no silent one-split fallback: the retried read gives the real layout")
        .isEqualTo(clean);
  }

  @Test
  void aFooterThatStaysUnreadableFailsThePlanNamingTheFile() {
    FailingOpensFileSystem.failNext(ParquetFooterReader.ATTEMPTS);
    assertThatThrownBy(
            () ->
                new ParquetFooterReader(FailingOpensFileSystem.configuration(conf))
                    .rowGroups(parquetPath))
        .isInstanceOfSatisfying(
            LakeBatchException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining(parquetPath)
        .hasMessageContaining(ParquetFooterReader.ATTEMPTS + " attempts")
        .hasMessageContaining(FailingOpensFileSystem.INJECTED);
  }
}
