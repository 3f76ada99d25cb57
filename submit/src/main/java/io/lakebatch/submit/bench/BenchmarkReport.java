package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's result: rows/s of each path on the same rows and cores, and how LakeBatch compares
 * with raw ONNX Runtime ({@code a/b}, at most about 1) and with the naive per-row UDF ({@code a/c}).
 *
 * @param model what was scored, e.g. {@code MLP 32-256x3-1}
 */
public record BenchmarkReport(
    long rows, int features, String model, int batchSize, int cores,
    PathTiming lakeBatch, PathTiming rawOrt, PathTiming naiveUdf) {
  private static final String CSV_HEADER = "path,description,rows,wall_seconds,rows_per_second,vs_raw_ort";

  public BenchmarkReport {
    requireNonNull(model, "model is null");
    requireNonNull(lakeBatch, "lakeBatch is null");
    requireNonNull(rawOrt, "rawOrt is null");
    requireNonNull(naiveUdf, "naiveUdf is null");
  }

  public List<PathTiming> paths() {
    return List.of(lakeBatch, rawOrt, naiveUdf);
  }

  /** {@code a/b}: the share of raw ONNX Runtime throughput LakeBatch keeps end to end. */
  public double lakeBatchOverRawOrt() {
    return lakeBatch.rowsPerSecond() / rawOrt.rowsPerSecond();
  }

  /** {@code a/c}: the speed-up of LakeBatch over the naive per-row UDF. */
  public double lakeBatchOverNaiveUdf() {
    return lakeBatch.rowsPerSecond() / naiveUdf.rowsPerSecond();
  }

  private double vsRawOrt(PathTiming timing) {
    return timing.rowsPerSecond() / rawOrt.rowsPerSecond();
  }

  /** The Markdown table printed by {@code lakebatch bench}. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "benchmark: %,d rows, %d float features, %s, batch %d, %d cores%n",
        rows, features, model, batchSize, cores));
    String row = "| %-32s | %12s | %8s | %10s |%n";
    out.append(String.format(Locale.ROOT, row, "path", "rows/s", "wall s", "vs raw ORT"));
    out.append(String.format(Locale.ROOT, row, "-".repeat(32), "-".repeat(12), "-".repeat(8), "-".repeat(10)));
    for (PathTiming timing : paths()) {
      out.append(String.format(Locale.ROOT, row, timing.path().label(),
          String.format(Locale.ROOT, "%,.0f", timing.rowsPerSecond()),
          String.format(Locale.ROOT, "%.2f", timing.seconds()),
          String.format(Locale.ROOT, "%.2f", vsRawOrt(timing))));
    }
    out.append(String.format(Locale.ROOT, "ratios: a/b = %.2f, a/c = %.1f%n", lakeBatchOverRawOrt(),
        lakeBatchOverNaiveUdf()));
    return out.toString();
  }

  /** One header line and one line per path. */
  public String csv() {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (PathTiming timing : paths()) {
      out.append(String.format(Locale.ROOT, "%s,\"%s\",%d,%.3f,%.1f,%.4f%n", timing.path().id(),
          timing.path().label().replace("\"", "\"\""), timing.rows(), timing.seconds(), timing.rowsPerSecond(),
          vsRawOrt(timing)));
    }
    return out.toString();
  }

  public String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("rows", rows);
    root.put("features", features);
    root.put("model", model);
    root.put("batch_size", batchSize);
    root.put("cores", cores);
    ArrayNode paths = root.putArray("paths");
    for (PathTiming timing : paths()) {
      paths.addObject()
          .put("path", timing.path().id())
          .put("description", timing.path().label())
          .put("rows", timing.rows())
          .put("wall_seconds", timing.seconds())
          .put("rows_per_second", timing.rowsPerSecond())
          .put("vs_raw_ort", vsRawOrt(timing));
    }
    root.putObject("ratios")
        .put("a_over_b", lakeBatchOverRawOrt())
        .put("a_over_c", lakeBatchOverNaiveUdf());
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not render benchmark report as JSON", e);
    }
  }
}
