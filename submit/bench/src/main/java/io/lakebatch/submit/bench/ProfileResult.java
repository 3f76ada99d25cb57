package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One profile's row of the main table: the four paths' timings and what {@code batch-size: auto}
 * chose.
 *
 * @param model the generated model's description
 * @param autoBatchSize the batch size {@code execution.batch-size: auto} chose on this profile's
 *     table (not timed)
 * @param autoBatchChoice the probe's own account of that choice
 * @param endToEnd path (e), when measured
 */
public record ProfileResult(
    BenchmarkProfile profile,
    String model,
    int batchSize,
    int autoBatchSize,
    Optional<String> autoBatchChoice,
    PathTiming lakeBatch,
    PathTiming rawOrt,
    PathTiming naiveUdf,
    PathTiming scoreFrame,
    Optional<PathTiming> endToEnd) {
  public ProfileResult {
    requireNonNull(profile, "profile is null");
    requireNonNull(model, "model is null");
    requireNonNull(autoBatchChoice, "autoBatchChoice is null");
    requireNonNull(lakeBatch, "lakeBatch is null");
    requireNonNull(rawOrt, "rawOrt is null");
    requireNonNull(naiveUdf, "naiveUdf is null");
    requireNonNull(scoreFrame, "scoreFrame is null");
    requireNonNull(endToEnd, "endToEnd is null");
  }

  /** The measured paths, (a) to (d) and (e) when measured. */
  public List<PathTiming> paths() {
    List<PathTiming> paths =
        new java.util.ArrayList<>(List.of(lakeBatch, rawOrt, naiveUdf, scoreFrame));
    endToEnd.ifPresent(paths::add);
    return List.copyOf(paths);
  }

  /** {@code a/b}: the share of raw ONNX Runtime throughput the LakeBatch run keeps (in-run). */
  public double lakeBatchOverRawOrt() {
    return lakeBatch.rowsPerSecond() / rawOrt.rowsPerSecond();
  }

  /** {@code a/c}: the speed-up of LakeBatch over the naive per-row UDF. */
  public double lakeBatchOverNaiveUdf() {
    return lakeBatch.rowsPerSecond() / naiveUdf.rowsPerSecond();
  }

  /**
   * {@code d/a}: {@code score(df)} against the chunked job on the same rows (what chunks, commits
   * and the catalog cost).
   */
  public double scoreFrameOverLakeBatch() {
    return scoreFrame.rowsPerSecond() / lakeBatch.rowsPerSecond();
  }

  /**
   * {@code e/b}: the share of raw ONNX Runtime throughput {@code lakebatch run} keeps from launch
   * to exit.
   */
  public Optional<Double> endToEndOverRawOrt() {
    return endToEnd.map(e -> e.rowsPerSecond() / rawOrt.rowsPerSecond());
  }

  /** {@code e - a}: seconds the new JVM adds to the run (start-up and shutdown). */
  public Optional<Double> endToEndOverheadSeconds() {
    return endToEnd.map(e -> e.seconds() - lakeBatch.seconds());
  }

  public Optional<Target> lakeBatchOverRawOrtTarget() {
    return profile.lakeBatchOverRawOrt();
  }

  public Target lakeBatchOverNaiveUdfTarget() {
    return BenchmarkProfile.LAKEBATCH_OVER_NAIVE_UDF;
  }
}
