package io.lakebatch.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.SpecDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The settings registry: defaults pinned, parsing errors named, and the README's table generated
 * from it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LakeBatchSettingsTest {
  private static final String BEGIN =
      "<!-- settings:begin (generated from LakeBatchSettings; see LakeBatchSettingsTest) -->\n";
  private static final String END = "<!-- settings:end -->";

  @Test
  void everyKeyIsDeclaredOnce() {
    Map<String, Long> counts =
        LakeBatchSettings.all().stream()
            .collect(Collectors.groupingBy(s -> s.source() + " " + s.key(), Collectors.counting()));
    assertThat(counts).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
  }

  @Test
  void recordedDefaults() {
    assertThat(LakeBatchSettings.BATCH_SIZE.defaultValue())
        .contains(SpecDefaults.BATCH_SIZE)
        .contains(1024);
    assertThat(LakeBatchSettings.ROWS_PER_CHUNK.defaultValue()).contains(2_000_000L);
    assertThat(LakeBatchSettings.MAX_BAD_ROW_FRACTION.defaultValue()).contains(0.01);
    assertThat(LakeBatchSettings.READ_COLUMNAR.valueFrom(key -> Optional.empty())).isTrue();
    assertThat(LakeBatchSettings.READ_TASK_READER.valueFrom(key -> Optional.empty())).isTrue();
    assertThat(LakeBatchSettings.LIVENESS_TIMEOUT.valueFrom(key -> Optional.empty()))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(LakeBatchSettings.SQL_CATALOG_URL.from(key -> Optional.empty())).isEmpty();
  }

  @Test
  void valuesParseAndBadValuesNameTheirSetting() {
    assertThat(
            LakeBatchSettings.READ_COLUMNAR.valueFrom(
                lookup("spark.lakebatch.read.columnar", "FALSE")))
        .isFalse();
    assertThat(
            LakeBatchSettings.LIVENESS_TIMEOUT.valueFrom(
                lookup("spark.lakebatch.driver.liveness-timeout", "4s")))
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(LakeBatchSettings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(LakeBatchSettings.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(LakeBatchSettings.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(
            () ->
                LakeBatchSettings.READ_COLUMNAR.valueFrom(
                    lookup("spark.lakebatch.read.columnar", "yes")))
        .isInstanceOf(LakeBatchException.class)
        .satisfies(
            e -> assertThat(((LakeBatchException) e).category()).isEqualTo(ErrorCategory.USER))
        .hasMessage(
            "Spark conf spark.lakebatch.read.columnar: 'yes' is not a boolean; fix or unset it");
    assertThatThrownBy(
            () ->
                LakeBatchSettings.LIVENESS_TIMEOUT.valueFrom(
                    lookup("spark.lakebatch.driver.liveness-timeout", "soon")))
        .hasMessageContaining("'soon' is not a duration");
  }

  /**
   * The README's settings table is this registry rendered. Run with {@code
   * -Dlakebatch.docs.update=true} to write the table into the README after changing a setting.
   */
  @Test
  void theReadmeTableIsGeneratedFromTheRegistry() throws IOException {
    Path readme = Path.of(System.getProperty("lakebatch.project.root", "../.."), "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("README holds the settings markers").isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String generated = LakeBatchSettings.markdownTable();
    if (Boolean.getBoolean("lakebatch.docs.update")) {
      Files.writeString(
          readme,
          text.substring(0, begin + BEGIN.length()) + generated + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(text.substring(begin + BEGIN.length(), end))
        .as("README settings table; regenerate it with -Dlakebatch.docs.update=true")
        .isEqualTo(generated);
  }

  private static java.util.function.Function<String, Optional<String>> lookup(
      String key, String value) {
    return k -> k.equals(key) ? Optional.of(value) : Optional.empty();
  }
}
