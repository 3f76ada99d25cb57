package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.spec.TableFormat;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SyntheticTextTest {
  private static final int ROWS = 20_000;

  @Test
  void rowTextDependsOnlyOnSeedAndId() {
    SyntheticText text = new SyntheticText(7, 20);
    assertThat(new SyntheticText(7, 20).row(12345)).isEqualTo(text.row(12345));
    assertThat(text.row(12346)).isNotEqualTo(text.row(12345));
    assertThat(new SyntheticText(8, 20).row(12345)).isNotEqualTo(text.row(12345));
  }

  @Test
  void wordCountsAreHeavyTailedAroundTheMean() {
    SyntheticText text = new SyntheticText(7, 20);
    IntSummaryStatistics counts =
        LongStream.range(0, ROWS)
            .mapToInt(id -> text.row(id).split(" ").length)
            .summaryStatistics();
    assertThat(counts.getMin()).isEqualTo(SyntheticText.MINIMUM_WORDS);
    assertThat(counts.getMax()).isGreaterThan(90).isLessThanOrEqualTo(120);
    assertThat(counts.getAverage()).isBetween(18.0, 22.0);
    long longRows =
        LongStream.range(0, ROWS).filter(id -> text.row(id).split(" ").length >= 60).count();
    assertThat(longRows).as("rows of 3 x the mean or more").isBetween(ROWS / 100L, ROWS / 10L);
  }

  @Test
  void wordsComeFromTheGeneratedVocabularyWithZipfLikeFrequencies() {
    SyntheticText text = new SyntheticText(7, 20);
    assertThat(new HashSet<>(text.vocabulary())).hasSize(SyntheticText.VOCABULARY_SIZE);
    assertThat(text.vocabulary()).allMatch(word -> word.matches("[a-z]{2,7}"));
    String[] words =
        LongStream.range(0, 2_000)
            .mapToObj(text::row)
            .flatMap(row -> Arrays.stream(row.split(" ")))
            .toArray(String[]::new);
    assertThat(text.vocabulary()).containsAll(Arrays.asList(words));
    String first = text.vocabulary().get(0);
    String hundredth = text.vocabulary().get(99);
    long firstCount = Arrays.stream(words).filter(first::equals).count();
    long hundredthCount = Arrays.stream(words).filter(hundredth::equals).count();
    assertThat(firstCount).isGreaterThan(10 * Math.max(1, hundredthCount));
  }

  @Test
  void optionsRejectTooFewWordsPerRow() {
    SyntheticTableOptions options = SyntheticTableOptions.of(10, 1, TableFormat.PARQUET);
    assertThat(options.withText(20).textWords()).isEqualTo(20);
    assertThat(options.withText(0).textWords()).isZero();
    assertThatThrownBy(() -> options.withText(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2");
    assertThatThrownBy(() -> new SyntheticText(1, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
