package io.lakebatch.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.tests.JobSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Spec files, table reads and the invariants every fault case checks. */
final class FaultFixtures {
  static final int FEATURES = 4;
  static final String FEATURE_COLUMNS = "[f0, f1, f2, f3]";

  private FaultFixtures() {}

  /**
   * A job spec for the 4-feature MLP.
   *
   * @param features the binding of model input {@code features}: a column list or {@code {column:
   *     vec}}
   * @param execution lines under {@code execution:}, unindented
   */
  static String spec(
      String name,
      Path model,
      String format,
      Path input,
      String features,
      Path output,
      String execution) {
    return JobSpecs.mlp(
        name, model, format, input, features, output, execution, "master: local[2]");
  }

  static Path write(Path folder, String name, String text) throws IOException {
    Files.createDirectories(folder);
    return Files.writeString(folder.resolve(name), text);
  }

  /** The {@code id} column of a Delta table, or nothing when there is no table at {@code path}. */
  static List<Long> ids(SparkSession spark, Path path) {
    if (!Files.isDirectory(path.resolve("_delta_log"))) {
      return List.of();
    }
    return spark.read().format("delta").load(path.toString()).select("id").collectAsList().stream()
        .map((Row r) -> r.getLong(0))
        .toList();
  }

  /** What an output table and its dead-letter table hold, against the ids the input held. */
  record Tables(
      long rowsIn,
      long rowsOut,
      long deadLetter,
      long duplicates,
      long lost,
      long strangers,
      Set<Long> deadIds) {
    /**
     * Rows out = rows in − dead-letter rows, no id twice (in either table or across them), no id
     * missing, and the dead-letter table holds exactly {@code planted}.
     */
    Tables assertInvariants(Set<Long> planted) {
      assertThat(rowsOut)
          .as("rows out = rows in - dead-letter rows")
          .isEqualTo(rowsIn - deadLetter);
      assertThat(duplicates).as("ids written twice").isZero();
      assertThat(lost).as("input ids in neither table").isZero();
      assertThat(new TreeSet<>(deadIds)).as("dead-letter ids").isEqualTo(new TreeSet<>(planted));
      return this;
    }
  }

  /** {@link #count}, failing when either table holds an id the input does not. */
  static Tables tables(SparkSession spark, Path output, Set<Long> inputIds) {
    Tables tables = count(spark, output, inputIds);
    assertThat(tables.strangers()).as("ids written that the input does not hold").isZero();
    return tables;
  }

  /**
   * What the output and dead-letter tables at {@code output} hold against {@code inputIds}; asserts
   * nothing.
   */
  static Tables count(SparkSession spark, Path output, Set<Long> inputIds) {
    List<Long> out = ids(spark, output);
    List<Long> dead = ids(spark, deadLetterPath(output));
    Set<Long> outSet = new HashSet<>(out);
    Set<Long> deadSet = new HashSet<>(dead);
    long overlap = outSet.stream().filter(deadSet::contains).count();
    long duplicates = (out.size() - outSet.size()) + (dead.size() - deadSet.size()) + overlap;
    long lost =
        inputIds.stream().filter(id -> !outSet.contains(id) && !deadSet.contains(id)).count();
    long strangers =
        Stream.concat(outSet.stream(), deadSet.stream())
            .filter(id -> !inputIds.contains(id))
            .count();
    return new Tables(
        inputIds.size(), out.size(), dead.size(), duplicates, lost, strangers, deadSet);
  }

  static Path deadLetterPath(Path output) {
    return Path.of(output + "_dead_letter");
  }

  private static final Pattern APP_ID = Pattern.compile("\"txn\":\\{\"appId\":\"([^\"]+)\"");

  /** The chunks whose transactions the table's Delta log records, once each. */
  static Set<Integer> committedChunks(Path table) throws IOException {
    return new TreeSet<>(committedChunkList(table));
  }

  /**
   * The chunk of every transaction ({@code lakebatch/<table>/<run key>/<chunk>}) the Delta log's
   * JSON commits record, in version order, repeats kept; read from the files, so it works while
   * another process writes the table.
   */
  static List<Integer> committedChunkList(Path table) throws IOException {
    List<Integer> chunks = new java.util.ArrayList<>();
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return chunks;
    }
    List<Path> commits;
    try (Stream<Path> files = Files.list(log)) {
      commits =
          files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
    }
    for (Path file : commits) {
      String text;
      try {
        text = Files.readString(file);
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      }
      Matcher m = APP_ID.matcher(text);
      while (m.find()) {
        String appId = m.group(1);
        chunks.add(Integer.parseInt(appId.substring(appId.lastIndexOf('/') + 1)));
      }
    }
    return chunks;
  }
}
