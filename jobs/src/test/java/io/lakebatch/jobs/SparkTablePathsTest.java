package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TablePaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SparkTablePathsTest {
  private static SparkSession spark;
  private static Configuration conf;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessionFactory.create(
            "spark-table-paths-test", new ResourceSpec("local[1]", 1, 1, "1g", 0), 1);
    conf = spark.sparkContext().hadoopConfiguration();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** {@code dir} as a Hadoop-qualified local location, e.g. {@code file:/tmp/junit1/x}. */
  private String local(String child) {
    return "file:" + dir.toAbsolutePath().normalize().resolve(child);
  }

  @Test
  void spellingsOfOneFolderQualifyAlike() {
    String abs = dir.toAbsolutePath().normalize().resolve("t").toString();
    String expected = "file:" + abs;

    for (String spelling :
        new String[] {
          abs,
          abs + "/",
          abs + "//",
          "file:" + abs,
          "file://" + abs,
          "file:" + abs + "/",
          abs + "/./",
          dir.toAbsolutePath() + "/x/../t",
          dir.toAbsolutePath() + "//t"
        }) {
      assertThat(SparkTablePaths.qualify(conf, "output.path", spelling))
          .as(spelling)
          .isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"scores", "./scores", "./scores/", "x/../scores", "scores/."})
  void relativePathsResolveAgainstTheWorkingDirectory(String relative) {
    String workingDirectory = Path.of("").toAbsolutePath().normalize().toString();
    assertThat(SparkTablePaths.qualify(conf, "output.path", relative))
        .isEqualTo("file:" + workingDirectory + "/scores");
  }

  @Test
  void pathsWithASchemeKeepIt() {
    assertThat(SparkTablePaths.qualify(conf, "input.path", "file:///a/b/")).isEqualTo("file:/a/b");
  }

  @Test
  void emptyPathIsASpecError() {
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class, () -> SparkTablePaths.qualify(conf, "output.path", ""));
    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.getMessage()).startsWith("output.path: ");
  }

  @Test
  void checkReturnsQualifiedPathsForAbsentFolders() {
    JobSpec spec = spec(dir + "/in/", "file://" + dir + "/out", dir + "/./bad");

    TablePaths paths = SparkTablePaths.check(spark, spec, location -> false);

    assertThat(paths).isEqualTo(new TablePaths(local("in"), local("out"), local("bad")));
  }

  @Test
  void qualifiedPathsReplaceTheSpecsSpellings() {
    JobSpec spec = spec(dir + "/in/", "file://" + dir + "/out", dir + "/./bad");

    JobSpec qualified = SparkTablePaths.check(spark, spec, location -> false).appliedTo(spec);

    assertThat(qualified.input().path()).isEqualTo(local("in"));
    assertThat(qualified.output().path()).isEqualTo(local("out"));
    assertThat(qualified.output().deadLetterPath()).isEqualTo(local("bad"));
    assertThat(qualified)
        .usingRecursiveComparison()
        .ignoringFields("input.path", "output.path", "output.deadLetterPath")
        .isEqualTo(spec);
  }

  @Test
  void spellingsThatHideTheSameFolderAreRefused() {
    JobSpec spec = spec(dir + "/in", "file:" + dir + "/in/../in/", dir + "/bad");

    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class, () -> SparkTablePaths.check(spark, spec, location -> false));

    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.getMessage())
        .startsWith(
            "output.path: " + local("in") + " is the same location as input.path " + local("in"));
  }

  @Test
  void outputNestedInTheInputThroughARelativeSpellingIsRefused() {
    String workingDirectory = Path.of("").toAbsolutePath().normalize().toString();
    JobSpec spec = spec(workingDirectory + "/data", "data/scores", dir + "/bad");

    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class, () -> SparkTablePaths.check(spark, spec, location -> false));

    assertThat(e.getMessage())
        .startsWith("output.path: file:" + workingDirectory + "/data/scores is inside input.path");
  }

  @Test
  void emptyExistingFolderIsAccepted() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Files.createDirectories(dir.resolve("bad"));

    assertThat(
            SparkTablePaths.check(
                    spark, spec(dir + "/in", dir + "/out", dir + "/bad"), location -> false)
                .output())
        .isEqualTo(local("out"));
  }

  @Test
  void existingDeltaTablesAreAccepted() {
    spark.range(3).write().format("delta").save(dir.resolve("out").toString());
    spark.range(1).write().format("delta").save(dir.resolve("bad").toString());

    TablePaths paths =
        SparkTablePaths.check(
            spark, spec(dir + "/in", dir + "/out", dir + "/bad"), location -> false);

    assertThat(paths.output()).isEqualTo(local("out"));
    assertThat(paths.deadLetter()).isEqualTo(local("bad"));
  }

  @Test
  void existingFolderWithOtherFilesIsRefusedNotTakenOver() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/notes.txt"), "keep me");

    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                SparkTablePaths.check(
                    spark, spec(dir + "/in", dir + "/out/", dir + "/bad"), location -> false));

    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.getMessage())
        .startsWith("output.path: " + local("out") + " exists and is not a Delta table")
        .contains("choose another path, or delete the folder");
    assertThat(dir.resolve("out/notes.txt")).hasContent("keep me");
  }

  @Test
  void existingParquetFolderAsDeadLetterIsRefused() {
    spark.range(3).write().parquet(dir.resolve("bad").toString());

    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                SparkTablePaths.check(
                    spark, spec(dir + "/in", dir + "/out", dir + "/bad"), location -> false));

    assertThat(e.getMessage())
        .startsWith("output.dead-letter: " + local("bad") + " exists and is not a Delta table");
  }

  @Test
  void aFolderOfDataFilesARunOfTheCatalogWritesIsNotRefused() {
    // An overwrite run's staged chunks, or a first chunk that crashed before its commit: data
    // files, no log yet.
    spark.range(3).write().parquet(dir.resolve("out").toString());
    String out = local("out");

    assertThat(
            SparkTablePaths.check(spark, spec(dir + "/in", dir + "/out", dir + "/bad"), out::equals)
                .output())
        .isEqualTo(out);
  }

  @Test
  void existingFileIsRefused() throws Exception {
    Files.writeString(dir.resolve("out"), "a file");

    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                SparkTablePaths.check(
                    spark, spec(dir + "/in", dir + "/out", dir + "/bad"), location -> false));

    assertThat(e.getMessage()).startsWith("output.path: " + local("out") + " exists and is a file");
  }

  private static JobSpec spec(String input, String output, String deadLetter) {
    return JobSpecParser.parse(
        """
        name: paths
        model:
          path: model.onnx
          inputs:
            features: [f0]
          outputs:
            score: score
        input:
          format: delta
          path: '%s'
        output:
          path: '%s'
          dead-letter: '%s'
        """
            .formatted(input, output, deadLetter),
        "test",
        false);
  }
}
