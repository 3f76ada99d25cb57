package io.lakebatch.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Zeppelin note {@code zeppelin/lakebatch-quickstart.zpln}, without Zeppelin (none runs here):
 * the note parses as Zeppelin's note JSON; its {@code %spark.conf} paragraph's {@code
 * spark.sql.extensions} builds the session (the runtime jar of {@code spark.jars} is this module's
 * classpath here); the view its Scala paragraph makes, {@code orders}, is a generated table with
 * the same columns; and each {@code %sql} paragraph, its dynamic forms ({@code ${name=default}})
 * filled as Zeppelin fills them, runs and returns rows with no null value. The Scala paragraphs are
 * not run: they are Scala for Zeppelin's Spark interpreter.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ZeppelinNoteTest {
  private static final Pattern FORM = Pattern.compile("\\$\\{(\\w+)=([^}]*)}");
  private static final int FEATURES = 8;
  private static final long ROWS = 5_000;

  @TempDir static Path folder;

  @Test
  void theNotesSqlParagraphsReturnScores() throws Exception {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    JsonNode note =
        new ObjectMapper().readTree(module.resolve("zeppelin/lakebatch-quickstart.zpln").toFile());
    assertThat(note.path("name").asText()).isNotBlank();
    assertThat(note.path("id").asText()).isNotBlank();
    assertThat(note.path("defaultInterpreterGroup").asText()).isEqualTo("spark");
    List<String> sql = new ArrayList<>();
    Map<String, String> conf = new LinkedHashMap<>();
    List<String> interpreters = new ArrayList<>();
    for (JsonNode paragraph : note.get("paragraphs")) {
      assertThat(paragraph.path("id").asText()).isNotBlank();
      String text = paragraph.path("text").asText();
      String interpreter = text.lines().findFirst().orElse("").strip();
      String body = text.substring(text.indexOf('\n') + 1);
      interpreters.add(interpreter);
      switch (interpreter) {
        case "%sql" -> sql.add(body);
        case "%spark.conf" ->
            body.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .forEach(line -> conf.put(line.split("\\s+", 2)[0], line.split("\\s+", 2)[1]));
        default -> assertThat(interpreter).isEqualTo("%spark");
      }
    }
    assertThat(interpreters.get(0)).as("%spark.conf runs first").isEqualTo("%spark.conf");
    assertThat(conf).containsKeys("spark.jars", "spark.sql.extensions");
    assertThat(conf.get("spark.sql.extensions"))
        .contains("io.lakebatch.api.LakeBatchSqlExtensions");
    assertThat(sql).hasSizeGreaterThanOrEqualTo(2);

    Path model = folder.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    Map<String, String> forms = Map.of("model", model.toString());

    SparkSession.Builder builder =
        SparkSession.builder()
            .appName("zeppelin-note-test")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2");
    conf.forEach(
        (key, value) -> {
          if (!key.equals("spark.jars") && !key.startsWith("spark.driver.")) {
            builder.config(key, value);
          }
        });
    SparkSession spark = builder.getOrCreate();
    try {
      String table = folder.resolve("orders").toString();
      SyntheticTables.write(
          spark, SyntheticTableOptions.of(ROWS, FEATURES, TableFormat.DELTA), table);
      spark.read().format("delta").load(table).createOrReplaceTempView("orders");

      for (String paragraph : sql) {
        String query = fillForms(paragraph, forms);
        List<Row> rows = spark.sql(query).collectAsList();
        assertThat(rows).as("rows of%n%s", query).isNotEmpty();
        for (Row row : rows) {
          for (int i = 0; i < row.length(); i++) {
            assertThat(row.isNullAt(i))
                .as("column %s of %s in%n%s", row.schema().fieldNames()[i], row, query)
                .isFalse();
          }
        }
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Zeppelin's dynamic forms: {@code ${name=default}} becomes the form's value, else the default.
   */
  private static String fillForms(String text, Map<String, String> values) {
    Matcher form = FORM.matcher(text);
    StringBuilder filled = new StringBuilder();
    while (form.find()) {
      form.appendReplacement(
          filled, Matcher.quoteReplacement(values.getOrDefault(form.group(1), form.group(2))));
    }
    form.appendTail(filled);
    return filled.toString();
  }
}
