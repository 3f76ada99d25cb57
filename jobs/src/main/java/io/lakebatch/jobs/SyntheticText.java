package io.lakebatch.jobs;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded pseudo-text for the generated {@code text} column. Row {@code id} always gets the same
 * text, however the table is partitioned.
 *
 * <p>Word counts are log-normal (a heavy right tail) clipped to {@code [3, 6 x meanWords]}, with
 * mean close to {@code meanWords}: for a mean of 20 about 5% of rows have 3 words and 5% more than
 * 58, up to 120. Words come from a generated vocabulary of {@value #VOCABULARY_SIZE} pseudo-words
 * with Zipf-like frequencies (word {@code k} about {@code 1/(k+1)} as often as the first).
 */
public final class SyntheticText implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int MINIMUM_WORDS = 3;
  public static final int VOCABULARY_SIZE = 4096;
  private static final double SPREAD = 0.9;
  private static final String CONSONANTS = "bcdfghjklmnprstvwz";
  private static final String VOWELS = "aeiou";

  private final long seed;
  private final int maximumWords;
  private final double logMedian;
  private final String[] vocabulary;

  /**
   * @param seed fixes the vocabulary and every row's words
   * @param meanWords approximate mean words per row; at least {@value #MINIMUM_WORDS}
   */
  public SyntheticText(long seed, int meanWords) {
    if (meanWords < MINIMUM_WORDS) {
      throw new IllegalArgumentException(
          "Invalid mean words per row (must be at least " + MINIMUM_WORDS + "): " + meanWords);
    }
    this.seed = seed;
    this.maximumWords = 6 * meanWords;
    // A log-normal's mean is exp(mu + sigma^2 / 2).
    this.logMedian = Math.log(meanWords) - SPREAD * SPREAD / 2;
    this.vocabulary = vocabulary(seed);
  }

  /** The most words any row gets: {@code 6 x meanWords}. */
  public int maximumWords() {
    return maximumWords;
  }

  /** The generated words, most frequent first. */
  public List<String> vocabulary() {
    return List.of(vocabulary);
  }

  /** The text of row {@code id}: words separated by single spaces. */
  public String row(long id) {
    SplittableRandom random = rowRandom(id);
    int words = wordCount(random);
    StringBuilder text = new StringBuilder(words * 8);
    for (int word = 0; word < words; word++) {
      if (word > 0) {
        text.append(' ');
      }
      int rank = (int) Math.floor(Math.pow(VOCABULARY_SIZE + 1, random.nextDouble())) - 1;
      text.append(vocabulary[Math.min(rank, VOCABULARY_SIZE - 1)]);
    }
    return text.toString();
  }

  private SplittableRandom rowRandom(long id) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
  }

  private int wordCount(SplittableRandom random) {
    long words = Math.round(Math.exp(logMedian + SPREAD * random.nextGaussian()));
    return (int) Math.max(MINIMUM_WORDS, Math.min(maximumWords, words));
  }

  private static String[] vocabulary(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> words = new LinkedHashSet<>();
    while (words.size() < VOCABULARY_SIZE) {
      StringBuilder word = new StringBuilder();
      int syllables = 1 + random.nextInt(3);
      for (int syllable = 0; syllable < syllables; syllable++) {
        word.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())))
            .append(VOWELS.charAt(random.nextInt(VOWELS.length())));
      }
      if (random.nextBoolean()) {
        word.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
      }
      words.add(word.toString());
    }
    return words.toArray(String[]::new);
  }
}
