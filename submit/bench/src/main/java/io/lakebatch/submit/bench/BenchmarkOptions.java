package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code lakebatch bench} measures. Start from {@link #quick(Path)} (every profile at its
 * quick size plus the skew section) and narrow or grow it with the {@code with...} methods; {@link
 * #large()} multiplies every size by {@value #LARGE_FACTOR} and adds the scaling section.
 *
 * @param profiles profiles timed three ways in the main table, in this order (may be empty)
 * @param sections further sections
 * @param rows rows of each profile's table (every profile has an entry); the skew section uses
 *     {@code mlp}'s
 * @param scalingRows table sizes of the scaling section, growing
 * @param cores Spark's {@code local[cores]} and the threads of the raw ONNX Runtime loop
 * @param out folder for the generated models and tables ({@code out/run}, recreated) and the
 *     results
 * @param warmUp whether each path first scores a small warm-up table
 * @param tinyFiles files of the skew section's many-tiny-files input
 * @param skewRounds rounds of the skew section: each runs every layout once, and each layout
 *     reports its median
 * @param endToEnd how to start {@code lakebatch} in a new JVM for path (e), {@code lakebatch run}
 *     launch to exit; empty = path (e) is not measured
 */
public record BenchmarkOptions(
    List<BenchmarkProfile> profiles,
    Set<BenchmarkSection> sections,
    Map<BenchmarkProfile, Long> rows,
    List<Long> scalingRows,
    int cores,
    Path out,
    WarmUp warmUp,
    int tinyFiles,
    int skewRounds,
    Optional<CliLauncher> endToEnd) {
  public static final long MIN_ROWS = 1;

  /**
   * Path (b) holds at most {@link BenchmarkProfile#inMemoryRowLimit()} rows; the LakeBatch table
   * may be larger.
   */
  public static final long MAX_ROWS = 100_000_000;

  public static final int MAX_CORES = 256;

  /** {@code --large} multiplies every profile's quick size by this. */
  public static final int LARGE_FACTOR = 10;

  public static final List<Long> QUICK_SCALING_ROWS = List.of(250_000L, 1_000_000L);
  public static final List<Long> LARGE_SCALING_ROWS = List.of(1_000_000L, 5_000_000L, 20_000_000L);
  public static final int DEFAULT_CORES = 2;

  /** Rounds of the skew section: single runs on a shared 2-core machine vary by 10-30 %. */
  public static final int DEFAULT_SKEW_ROUNDS = 3;

  public BenchmarkOptions {
    requireNonNull(endToEnd, "endToEnd is null");
    profiles = List.copyOf(profiles);
    sections = sections.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(sections));
    rows = Map.copyOf(rows);
    scalingRows = List.copyOf(scalingRows);
    requireNonNull(out, "out is null");
    requireNonNull(warmUp, "warmUp is null");
    if (profiles.isEmpty() && sections.isEmpty()) {
      throw LakeBatchErrors.usage("Nothing to benchmark: no profile and no section chosen");
    }
    if (profiles.stream().distinct().count() != profiles.size()) {
      throw LakeBatchErrors.usage("Invalid benchmark profiles (listed twice): " + profiles);
    }
    for (BenchmarkProfile profile : BenchmarkProfile.values()) {
      Long count = rows.get(profile);
      if (count == null) {
        throw new IllegalArgumentException("Benchmark rows missing for profile " + profile);
      }
      checkRows("rows of profile " + profile, count);
    }
    if (scalingRows.isEmpty()) {
      throw LakeBatchErrors.usage("Invalid scaling sizes (empty)");
    }
    for (long count : scalingRows) {
      checkRows("scaling rows", count);
    }
    if (tinyFiles < 2) {
      throw LakeBatchErrors.usage("Invalid tiny-file count (must be at least 2): " + tinyFiles);
    }
    if (skewRounds < 1) {
      throw LakeBatchErrors.usage("Invalid skew rounds (must be at least 1): " + skewRounds);
    }
    if (cores < 1 || cores > MAX_CORES) {
      throw LakeBatchErrors.usage(
          String.format("Invalid benchmark cores %d (must be in [1, %d])", cores, MAX_CORES));
    }
  }

  /**
   * Every profile at its quick size, the skew section, {@value #DEFAULT_CORES} cores, warm-up on,
   * no path (e).
   */
  public static BenchmarkOptions quick(Path out) {
    Map<BenchmarkProfile, Long> rows = new EnumMap<>(BenchmarkProfile.class);
    for (BenchmarkProfile profile : BenchmarkProfile.values()) {
      rows.put(profile, profile.defaultRows());
    }
    return new BenchmarkOptions(
        Arrays.asList(BenchmarkProfile.values()),
        EnumSet.of(BenchmarkSection.SKEW),
        rows,
        QUICK_SCALING_ROWS,
        DEFAULT_CORES,
        out,
        WarmUp.RUN,
        SkewLayout.TINY_FILES_COUNT,
        DEFAULT_SKEW_ROUNDS,
        Optional.empty());
  }

  /**
   * Every profile's rows times {@value #LARGE_FACTOR}, the large scaling sizes, and the scaling
   * section.
   */
  public BenchmarkOptions large() {
    Map<BenchmarkProfile, Long> larger = new EnumMap<>(BenchmarkProfile.class);
    rows.forEach((profile, count) -> larger.put(profile, count * LARGE_FACTOR));
    Set<BenchmarkSection> more = EnumSet.of(BenchmarkSection.SCALING);
    more.addAll(sections);
    return new BenchmarkOptions(
        profiles,
        more,
        larger,
        LARGE_SCALING_ROWS,
        cores,
        out,
        warmUp,
        tinyFiles,
        skewRounds,
        endToEnd);
  }

  public BenchmarkOptions withProfiles(List<BenchmarkProfile> value) {
    return new BenchmarkOptions(
        value, sections, rows, scalingRows, cores, out, warmUp, tinyFiles, skewRounds, endToEnd);
  }

  public BenchmarkOptions withSections(Set<BenchmarkSection> value) {
    return new BenchmarkOptions(
        profiles, value, rows, scalingRows, cores, out, warmUp, tinyFiles, skewRounds, endToEnd);
  }

  /** Sets the rows of one profile. */
  public BenchmarkOptions withRows(BenchmarkProfile profile, long value) {
    Map<BenchmarkProfile, Long> changed = new EnumMap<>(rows);
    changed.put(profile, value);
    return new BenchmarkOptions(
        profiles,
        sections,
        changed,
        scalingRows,
        cores,
        out,
        warmUp,
        tinyFiles,
        skewRounds,
        endToEnd);
  }

  public BenchmarkOptions withScalingRows(List<Long> value) {
    return new BenchmarkOptions(
        profiles, sections, rows, value, cores, out, warmUp, tinyFiles, skewRounds, endToEnd);
  }

  public BenchmarkOptions withCores(int value) {
    return new BenchmarkOptions(
        profiles, sections, rows, scalingRows, value, out, warmUp, tinyFiles, skewRounds, endToEnd);
  }

  public BenchmarkOptions withWarmUp(WarmUp value) {
    return new BenchmarkOptions(
        profiles, sections, rows, scalingRows, cores, out, value, tinyFiles, skewRounds, endToEnd);
  }

  /**
   * Fewer tiny files make the skew section's smoke run faster; the section needs many for its
   * point.
   */
  public BenchmarkOptions withTinyFiles(int value) {
    return new BenchmarkOptions(
        profiles, sections, rows, scalingRows, cores, out, warmUp, value, skewRounds, endToEnd);
  }

  /** Measures path (e) with {@code launcher}: every profile's spec run by a new CLI JVM. */
  public BenchmarkOptions withEndToEnd(CliLauncher launcher) {
    Optional<CliLauncher> endToEnd = Optional.of(launcher);
    return new BenchmarkOptions(
        profiles, sections, rows, scalingRows, cores, out, warmUp, tinyFiles, skewRounds, endToEnd);
  }

  public BenchmarkOptions withSkewRounds(int value) {
    return new BenchmarkOptions(
        profiles, sections, rows, scalingRows, cores, out, warmUp, tinyFiles, value, endToEnd);
  }

  public long rowsOf(BenchmarkProfile profile) {
    return rows.get(profile);
  }

  /** Rows of each of the skew section's three inputs: the mlp profile's size. */
  public long skewRows() {
    return rowsOf(BenchmarkProfile.MLP);
  }

  public boolean includes(BenchmarkSection section) {
    return sections.contains(section);
  }

  private static void checkRows(String what, long count) {
    if (count < MIN_ROWS || count > MAX_ROWS) {
      throw LakeBatchErrors.usage(
          String.format(
              "Invalid benchmark %s %,d (must be in [%,d, %,d])", what, count, MIN_ROWS, MAX_ROWS));
    }
  }
}
