package io.lakebatch.submit.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * The suite's result: per profile the four paths' rates with a/b and a/c against their targets, and
 * the skew and scaling sections when they ran. Rendered as the printed table, as {@code
 * results.csv} (one measurement per line: {@value #CSV_HEADER}, so runs can be joined and compared)
 * and as {@code results.json}.
 *
 * @param loadAverage the system load average when the report was made, to judge how noisy the
 *     numbers are
 */
public record BenchmarkReport(
    int cores,
    double loadAverage,
    List<ProfileResult> profiles,
    List<SkewMeasurement> skew,
    List<ScalingMeasurement> scaling) {
  public static final String CSV_HEADER = "section,profile,item,metric,value,target,met";

  public BenchmarkReport {
    profiles = List.copyOf(profiles);
    skew = List.copyOf(skew);
    scaling = List.copyOf(scaling);
  }

  /**
   * The scaling section's spread of ns/row (prepare + run), max/min - 1; empty without that
   * section.
   */
  public OptionalDouble scalingSpread() {
    return spread(ScalingMeasurement::nanosPerRow);
  }

  /**
   * The scaling section's spread of ns/row after prepare, max/min - 1; empty without that section.
   */
  public OptionalDouble scalingRunSpread() {
    return spread(ScalingMeasurement::runNanosPerRow);
  }

  private OptionalDouble spread(ToDoubleFunction<ScalingMeasurement> nanosPerRow) {
    if (scaling.isEmpty()) {
      return OptionalDouble.empty();
    }
    double min = scaling.stream().mapToDouble(nanosPerRow).min().orElseThrow();
    double max = scaling.stream().mapToDouble(nanosPerRow).max().orElseThrow();
    return OptionalDouble.of(max / min - 1);
  }

  /**
   * Fixed cost per run and marginal cost per row of the scaling section; empty with fewer than two
   * sizes.
   */
  public Optional<ScalingMeasurement.CostFit> scalingFit() {
    return scaling.stream().mapToLong(ScalingMeasurement::rows).distinct().count() < 2
        ? Optional.empty()
        : Optional.of(ScalingMeasurement.CostFit.of(scaling));
  }

  /** The tables printed by {@code lakebatch bench}. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        format(
            "benchmark: %d cores (Spark local[%d]; raw ORT %d threads; ONNX Runtime 1 intra-op thread"
                + " per task or thread); load average %.1f%n",
            cores, cores, cores, loadAverage));
    if (!profiles.isEmpty()) {
      profileTable(out);
    }
    if (!skew.isEmpty()) {
      skewTable(out);
    }
    if (!scaling.isEmpty()) {
      scalingTable(out);
    }
    return out.toString();
  }

  private void profileTable(StringBuilder out) {
    String row =
        "| %-7s | %-31s | %5s | %5s | %13s | %13s | %13s | %13s | %5s | %-15s | %6s | %-12s | %5s"
            + " | %13s | %5s | %7s |%n";
    out.append(
        format(
            row,
            "profile",
            "rows (a / b / c)",
            "batch",
            "auto",
            "(a) LakeBatch",
            "(b) raw ORT",
            "(c) naive UDF",
            "(d) score(df)",
            "a/b",
            "a/b target",
            "a/c",
            "a/c target",
            "d/a",
            "(e) new JVM",
            "e/b",
            "e-a s"));
    out.append(
        format(
            row,
            dashes(7),
            dashes(31),
            dashes(5),
            dashes(5),
            dashes(13),
            dashes(13),
            dashes(13),
            dashes(13),
            dashes(5),
            dashes(15),
            dashes(6),
            dashes(12),
            dashes(5),
            dashes(13),
            dashes(5),
            dashes(7)));
    for (ProfileResult result : profiles) {
      double ab = result.lakeBatchOverRawOrt();
      double ac = result.lakeBatchOverNaiveUdf();
      out.append(
          format(
              row,
              result.profile().cliName(),
              format(
                  "%,d / %,d / %,d",
                  result.lakeBatch().rows(), result.rawOrt().rows(), result.naiveUdf().rows()),
              result.batchSize(),
              result.autoBatchSize(),
              rate(result.lakeBatch()),
              rate(result.rawOrt()),
              rate(result.naiveUdf()),
              rate(result.scoreFrame()),
              format("%.2f", ab),
              result
                  .lakeBatchOverRawOrtTarget()
                  .map(t -> t.describe() + " " + t.mark(ab))
                  .orElse("-"),
              format("%.1f", ac),
              result.lakeBatchOverNaiveUdfTarget().describe()
                  + " "
                  + result.lakeBatchOverNaiveUdfTarget().mark(ac),
              format("%.2f", result.scoreFrameOverLakeBatch()),
              result.endToEnd().map(BenchmarkReport::rate).orElse("-"),
              result.endToEndOverRawOrt().map(v -> format("%.2f", v)).orElse("-"),
              result.endToEndOverheadSeconds().map(v -> format("%.1f", v)).orElse("-")));
    }
    out.append(
        "rates in rows/s; (b) and (c) score the first rows by id when a profile caps them; (d) scores all"
            + " of (a)'s rows in one Spark job, no chunks or catalog; batch = the timed runs' batch size, auto = what"
            + " execution.batch-size: auto chooses (probed, not timed); (a) is the run in this warm JVM"
            + " (prepare + chunks), (e) the same job by `lakebatch run` in a new JVM, launch to exit, and"
            + " e-a the seconds a new JVM adds (- = not measured)\n");
    for (ProfileResult result : profiles) {
      out.append(format("  %-7s %s%n", result.profile().cliName(), result.model()));
      result
          .autoBatchChoice()
          .ifPresent(choice -> out.append(format("  %-7s auto batch: %s%n", "", choice)));
    }
  }

  private void skewTable(StringBuilder out) {
    out.append(
        format(
            "%nskew: mlp profile, %,d rows per input, LakeBatch wall time (prepare + run), median of %d"
                + " rounds (each round runs the three inputs in turn)%n",
            skew.get(0).rows(), skew.get(0).rounds()));
    String row = "| %-10s | %-32s | %6s | %5s | %8s | %9s | %10s | %-15s | %-19s |%n";
    out.append(
        format(
            row,
            "input",
            "layout",
            "files",
            "tasks",
            "wall s",
            "prepare s",
            "vs uniform",
            "target",
            "est. skew rows/cost"));
    out.append(
        format(
            row,
            dashes(10),
            dashes(32),
            dashes(6),
            dashes(5),
            dashes(8),
            dashes(9),
            dashes(10),
            dashes(15),
            dashes(19)));
    Target target = SkewMeasurement.RATIO_TO_UNIFORM;
    for (SkewMeasurement m : skew) {
      out.append(
          format(
              row,
              m.layout().id(),
              m.description(),
              m.files(),
              m.tasks(),
              format("%.2f", m.seconds()),
              format("%.2f", m.prepareSeconds()),
              format("%.2f", m.ratioToUniform()),
              m.layout() == SkewLayout.UNIFORM
                  ? "-"
                  : target.describe() + " " + target.mark(m.ratioToUniform()),
              format("%.2f / %.2f", m.estimatedSkew(), m.estimatedCostSkew())));
    }
  }

  private void scalingTable(StringBuilder out) {
    out.append(
        format(
            "%nscaling: mlp profile, LakeBatch run (prepare + run) at growing sizes; local mode: driver"
                + " and executors share this JVM, so its peaks are the whole run's%n"));
    String row = "| %12s | %8s | %9s | %8s | %14s | %22s | %14s | %-24s |%n";
    out.append(
        format(
            row,
            "rows",
            "wall s",
            "prepare s",
            "ns/row",
            "ns/row (run)",
            "peak live heap MiB (GC)",
            "peak heap MiB",
            "peak RSS MiB"));
    out.append(
        format(
            row,
            dashes(12),
            dashes(8),
            dashes(9),
            dashes(8),
            dashes(14),
            dashes(22),
            dashes(14),
            dashes(24)));
    for (ScalingMeasurement m : scaling) {
      out.append(
          format(
              row,
              format("%,d", m.rows()),
              format("%.2f", m.seconds()),
              format("%.2f", m.prepareSeconds()),
              format("%.0f", m.nanosPerRow()),
              format("%.0f", m.runNanosPerRow()),
              format("%,d", m.peaks().liveHeapBytes() >> 20),
              format("%,d", m.peaks().heapBytes() >> 20),
              rss(m.peaks())));
    }
    out.append(
        format(
            "ns/row (run) = after prepare (input snapshot, plan, preflight); peak live heap = largest heap"
                + " left after a garbage collection during the run (what it retains); peak heap also counts garbage not yet"
                + " collected%n"));
    Target target = ScalingMeasurement.SPREAD;
    String bound =
        target.bound() == Target.Bound.AT_MOST
            ? "<= " + Math.round(target.threshold() * 100)
            : target.describe();
    double spread = scalingSpread().orElseThrow();
    double runSpread = scalingRunSpread().orElseThrow();
    out.append(
        format(
            "ns/row spread (max/min - 1): %.1f%% prepare + run, %.1f%% run (target %s%%: %s, %s)%n",
            spread * 100, runSpread * 100, bound, target.mark(spread), target.mark(runSpread)));
    scalingFit()
        .ifPresent(
            fit ->
                out.append(
                    format(
                        "least-squares fit of wall time: %.2f s fixed per run + %.0f"
                            + " ns/row; the fixed part is why ns/row falls with size%n",
                        fit.fixedSeconds(), fit.marginalNanosPerRow())));
  }

  private static String rss(PeakMemory.Peaks peaks) {
    if (peaks.rssBytes().isEmpty()) {
      return "n/a";
    }
    String size = format("%,d", peaks.rssBytes().getAsLong() >> 20);
    return peaks.rssScope() == PeakMemory.RssScope.SPAN ? size : size + " (process peak)";
  }

  /** One header line, then one line per measurement. */
  public String csv() {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    out.append(csvLine("run", "", "machine", "cores", cores, Optional.empty()));
    out.append(csvLine("run", "", "machine", "load_average", loadAverage, Optional.empty()));
    for (ProfileResult result : profiles) {
      String profile = result.profile().cliName();
      for (PathTiming timing : result.paths()) {
        String path = timing.path().id();
        out.append(csvLine("profiles", profile, path, "rows", timing.rows(), Optional.empty()));
        out.append(
            csvLine("profiles", profile, path, "wall_seconds", timing.seconds(), Optional.empty()));
        out.append(
            csvLine(
                "profiles",
                profile,
                path,
                "rows_per_second",
                timing.rowsPerSecond(),
                Optional.empty()));
      }
      out.append(
          csvLine(
              "profiles",
              profile,
              "ratio",
              "a_over_b",
              result.lakeBatchOverRawOrt(),
              result.lakeBatchOverRawOrtTarget()));
      out.append(
          csvLine(
              "profiles",
              profile,
              "ratio",
              "a_over_c",
              result.lakeBatchOverNaiveUdf(),
              Optional.of(result.lakeBatchOverNaiveUdfTarget())));
      out.append(
          csvLine(
              "profiles",
              profile,
              "ratio",
              "d_over_a",
              result.scoreFrameOverLakeBatch(),
              Optional.empty()));
      result
          .endToEndOverRawOrt()
          .ifPresent(
              v ->
                  out.append(
                      csvLine("profiles", profile, "ratio", "e_over_b", v, Optional.empty())));
      result
          .endToEndOverheadSeconds()
          .ifPresent(
              v ->
                  out.append(
                      csvLine(
                          "profiles", profile, "ratio", "e_minus_a_seconds", v, Optional.empty())));
      out.append(
          csvLine(
              "profiles", profile, "batch_size", "fixed", result.batchSize(), Optional.empty()));
      out.append(
          csvLine(
              "profiles", profile, "batch_size", "auto", result.autoBatchSize(), Optional.empty()));
    }
    for (SkewMeasurement m : skew) {
      String item = m.layout().id();
      out.append(csvLine("skew", "mlp", item, "rows", m.rows(), Optional.empty()));
      out.append(csvLine("skew", "mlp", item, "files", m.files(), Optional.empty()));
      out.append(csvLine("skew", "mlp", item, "tasks", m.tasks(), Optional.empty()));
      out.append(csvLine("skew", "mlp", item, "wall_seconds", m.seconds(), Optional.empty()));
      out.append(
          csvLine("skew", "mlp", item, "prepare_seconds", m.prepareSeconds(), Optional.empty()));
      out.append(csvLine("skew", "mlp", item, "rounds", m.rounds(), Optional.empty()));
      out.append(
          csvLine(
              "skew",
              "mlp",
              item,
              "ratio_to_uniform",
              m.ratioToUniform(),
              m.layout() == SkewLayout.UNIFORM
                  ? Optional.empty()
                  : Optional.of(SkewMeasurement.RATIO_TO_UNIFORM)));
      out.append(
          csvLine("skew", "mlp", item, "estimated_skew", m.estimatedSkew(), Optional.empty()));
      out.append(
          csvLine(
              "skew", "mlp", item, "estimated_cost_skew", m.estimatedCostSkew(), Optional.empty()));
    }
    for (ScalingMeasurement m : scaling) {
      String item = Long.toString(m.rows());
      out.append(csvLine("scaling", "mlp", item, "wall_seconds", m.seconds(), Optional.empty()));
      out.append(
          csvLine("scaling", "mlp", item, "prepare_seconds", m.prepareSeconds(), Optional.empty()));
      out.append(csvLine("scaling", "mlp", item, "ns_per_row", m.nanosPerRow(), Optional.empty()));
      out.append(
          csvLine("scaling", "mlp", item, "run_ns_per_row", m.runNanosPerRow(), Optional.empty()));
      out.append(
          csvLine(
              "scaling", "mlp", item, "peak_heap_bytes", m.peaks().heapBytes(), Optional.empty()));
      out.append(
          csvLine(
              "scaling",
              "mlp",
              item,
              "peak_live_heap_bytes",
              m.peaks().liveHeapBytes(),
              Optional.empty()));
      m.peaks()
          .rssBytes()
          .ifPresent(
              rss ->
                  out.append(
                      csvLine("scaling", "mlp", item, "peak_rss_bytes", rss, Optional.empty())));
    }
    scalingSpread()
        .ifPresent(
            spread ->
                out.append(
                    csvLine(
                        "scaling",
                        "mlp",
                        "all",
                        "ns_per_row_spread",
                        spread,
                        Optional.of(ScalingMeasurement.SPREAD))));
    scalingRunSpread()
        .ifPresent(
            spread ->
                out.append(
                    csvLine(
                        "scaling",
                        "mlp",
                        "all",
                        "run_ns_per_row_spread",
                        spread,
                        Optional.of(ScalingMeasurement.SPREAD))));
    scalingFit()
        .ifPresent(
            fit -> {
              out.append(
                  csvLine(
                      "scaling",
                      "mlp",
                      "fit",
                      "fixed_seconds",
                      fit.fixedSeconds(),
                      Optional.empty()));
              out.append(
                  csvLine(
                      "scaling",
                      "mlp",
                      "fit",
                      "marginal_ns_per_row",
                      fit.marginalNanosPerRow(),
                      Optional.empty()));
            });
    return out.toString();
  }

  private static String csvLine(
      String section,
      String profile,
      String item,
      String metric,
      double value,
      Optional<Target> target) {
    String number =
        value == Math.rint(value) && Math.abs(value) < 1e15
            ? format("%d", (long) value)
            : format("%.6g", value);
    return format(
        "%s,%s,%s,%s,%s,%s,%s%n",
        section,
        profile,
        item,
        metric,
        number,
        target.map(Target::describe).orElse(""),
        target.map(t -> t.isMetBy(value) ? "true" : "false").orElse(""));
  }

  public String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("cores", cores);
    root.put("load_average", loadAverage);
    ArrayNode profileNodes = root.putArray("profiles");
    for (ProfileResult result : profiles) {
      ObjectNode node =
          profileNodes
              .addObject()
              .put("profile", result.profile().cliName())
              .put("model", result.model())
              .put("batch_size", result.batchSize())
              .put("auto_batch_size", result.autoBatchSize());
      result.autoBatchChoice().ifPresent(choice -> node.put("auto_batch_choice", choice));
      ArrayNode paths = node.putArray("paths");
      for (PathTiming timing : result.paths()) {
        paths
            .addObject()
            .put("path", timing.path().id())
            .put("description", timing.path().label())
            .put("rows", timing.rows())
            .put("wall_seconds", timing.seconds())
            .put("rows_per_second", timing.rowsPerSecond());
      }
      ObjectNode ratios = node.putObject("ratios");
      ratio(ratios, "a_over_b", result.lakeBatchOverRawOrt(), result.lakeBatchOverRawOrtTarget());
      ratio(
          ratios,
          "a_over_c",
          result.lakeBatchOverNaiveUdf(),
          Optional.of(result.lakeBatchOverNaiveUdfTarget()));
      ratio(ratios, "d_over_a", result.scoreFrameOverLakeBatch(), Optional.empty());
      result.endToEndOverRawOrt().ifPresent(v -> ratio(ratios, "e_over_b", v, Optional.empty()));
      result
          .endToEndOverheadSeconds()
          .ifPresent(v -> ratio(ratios, "e_minus_a_seconds", v, Optional.empty()));
    }
    if (!skew.isEmpty()) {
      ArrayNode skewNodes = root.putObject("skew").put("profile", "mlp").putArray("inputs");
      for (SkewMeasurement m : skew) {
        ObjectNode node =
            skewNodes
                .addObject()
                .put("input", m.layout().id())
                .put("layout", m.description())
                .put("rows", m.rows())
                .put("files", m.files())
                .put("tasks", m.tasks())
                .put("wall_seconds", m.seconds())
                .put("prepare_seconds", m.prepareSeconds())
                .put("rounds", m.rounds())
                .put("estimated_skew", m.estimatedSkew())
                .put("estimated_cost_skew", m.estimatedCostSkew());
        ratio(
            node,
            "ratio_to_uniform",
            m.ratioToUniform(),
            m.layout() == SkewLayout.UNIFORM
                ? Optional.empty()
                : Optional.of(SkewMeasurement.RATIO_TO_UNIFORM));
      }
    }
    if (!scaling.isEmpty()) {
      ObjectNode section =
          root.putObject("scaling")
              .put("profile", "mlp")
              .put("memory_note", "local mode: driver and executors share this JVM");
      ArrayNode sizes = section.putArray("sizes");
      for (ScalingMeasurement m : scaling) {
        ObjectNode node =
            sizes
                .addObject()
                .put("rows", m.rows())
                .put("wall_seconds", m.seconds())
                .put("prepare_seconds", m.prepareSeconds())
                .put("ns_per_row", m.nanosPerRow())
                .put("run_ns_per_row", m.runNanosPerRow())
                .put("peak_heap_bytes", m.peaks().heapBytes())
                .put("peak_live_heap_bytes", m.peaks().liveHeapBytes())
                .put("peak_rss_scope", m.peaks().rssScope().name().toLowerCase(Locale.ROOT));
        m.peaks().rssBytes().ifPresent(rss -> node.put("peak_rss_bytes", rss));
      }
      ratio(
          section,
          "ns_per_row_spread",
          scalingSpread().orElseThrow(),
          Optional.of(ScalingMeasurement.SPREAD));
      ratio(
          section,
          "run_ns_per_row_spread",
          scalingRunSpread().orElseThrow(),
          Optional.of(ScalingMeasurement.SPREAD));
      scalingFit()
          .ifPresent(
              fit ->
                  section
                      .putObject("fit")
                      .put("fixed_seconds", fit.fixedSeconds())
                      .put("marginal_ns_per_row", fit.marginalNanosPerRow()));
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not render benchmark report as JSON", e);
    }
  }

  private static void ratio(ObjectNode parent, String name, double value, Optional<Target> target) {
    ObjectNode node = parent.putObject(name).put("value", value);
    target.ifPresent(t -> node.put("target", t.describe()).put("met", t.isMetBy(value)));
  }

  private static String rate(PathTiming timing) {
    return format("%,.0f", timing.rowsPerSecond());
  }

  private static String dashes(int count) {
    return "-".repeat(count);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
