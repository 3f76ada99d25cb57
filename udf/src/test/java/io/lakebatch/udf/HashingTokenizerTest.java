package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.model.TextEncoding;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HashingTokenizerTest {
  private static final TextEncoding ENCODING =
      new TextEncoding(false, TextEncoding.HASHING, 100, 8);

  private static long[] encode(String text) {
    long[] out = new long[8];
    int n = new HashingTokenizer(ENCODING).encode(text, out, 0);
    return Arrays.copyOf(out, n);
  }

  @Test
  void wordsAreLowerCasedRunsOfLettersAndDigits() {
    long[] tokens = encode("Fast, fast delivery!! order 42");
    assertThat(tokens).hasSize(5);
    assertThat(tokens[0]).isEqualTo(tokens[1]);
    assertThat(tokens[2]).isNotEqualTo(tokens[0]);
    assertThat(encode("order")).containsExactly(tokens[3]);
    assertThat(encode("  42 ")).containsExactly(tokens[4]);
  }

  @Test
  void idsAreInsideTheVocabularyAndNeverPadding() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      text.append("w").append(i).append(' ');
    }
    long[] out = new long[2_000];
    int n = new HashingTokenizer(ENCODING.withMaxTokens(2_000)).encode(text, out, 0);
    assertThat(n).isEqualTo(2_000);
    assertThat(Arrays.stream(out).min().getAsLong()).isGreaterThanOrEqualTo(1L);
    assertThat(Arrays.stream(out).max().getAsLong()).isLessThanOrEqualTo(99L);
    assertThat(Arrays.stream(out).distinct().count()).as("ids used of 99").isGreaterThan(90);
  }

  @Test
  void longTextsAreTruncatedAndEmptyTextsHaveNoTokens() {
    assertThat(encode("a b c d e f g h i j k")).hasSize(8);
    assertThat(encode("")).isEmpty();
    assertThat(encode(" ...  !? ")).isEmpty();
  }

  @Test
  void writesAtTheGivenOffset() {
    long[] out = new long[12];
    int n = new HashingTokenizer(ENCODING).encode("one two", out, 4);
    assertThat(n).isEqualTo(2);
    assertThat(Arrays.copyOfRange(out, 4, 6)).containsExactly(encode("one two"));
    assertThat(out[0]).isZero();
  }
}
