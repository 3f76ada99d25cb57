package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What one scheduler achieved on one trace. Times are simulated milliseconds, work is in
 * core-milliseconds. Shares are fractions of the core-time in use while the cluster was contended
 * (more cores asked for, running or waiting, than up), set against the weighted max-min fair
 * division of that same core-time given each tenant's demand and maximum.
 *
 * @param scheduler the scheduler's name
 * @param jobs jobs in the trace
 * @param completedJobs jobs whose every chunk completed
 * @param totalChunks chunks in the trace
 * @param completedChunks chunk completions; equals {@code totalChunks} when work is conserved
 * @param startedChunks chunk starts, including those later preempted or lost to failures
 * @param makespanMillis from the first submission to the last completion
 * @param utilization busy over available core-time while anything waited or ran
 * @param memoryUtilization held over available memory-time, over the same time: the trace's chunks
 *     ask at least as much memory per core as the workers offer, so memory, not cores, is the
 *     resource that fills up
 * @param busyCoreMillis core-time held by running chunks
 * @param usefulCoreMillis core-time of completed chunks
 * @param completionP50Millis median job completion time (submit to last chunk) per class
 * @param completionP95Millis 95th percentile of the same per class
 * @param lowWaitP95Millis the 95th percentile of LOW jobs' waits from submission to first chunk
 * @param maxLowWaitMillis the longest of those waits
 * @param tenantShares each tenant's share of cores while contended, with its fair share
 * @param preemptions chunks stopped by the scheduler
 * @param preemptedCoreMillis their in-flight work, lost
 * @param workerFailures workers that failed
 * @param failedChunks chunks lost to those failures
 * @param failedCoreMillis their in-flight work, lost
 */
public record SimulationReport(
    String scheduler,
    int jobs,
    int completedJobs,
    long totalChunks,
    long completedChunks,
    long startedChunks,
    long makespanMillis,
    double utilization,
    double memoryUtilization,
    long busyCoreMillis,
    long usefulCoreMillis,
    Map<Priority, Long> completionP50Millis,
    Map<Priority, Long> completionP95Millis,
    long lowWaitP95Millis,
    long maxLowWaitMillis,
    List<TenantUse> tenantShares,
    long preemptions,
    long preemptedCoreMillis,
    int workerFailures,
    long failedChunks,
    long failedCoreMillis) {
  public SimulationReport {
    requireNonNull(scheduler, "scheduler is null");
    completionP50Millis = Map.copyOf(completionP50Millis);
    completionP95Millis = Map.copyOf(completionP95Millis);
    tenantShares = List.copyOf(tenantShares);
  }

  /**
   * One tenant's use of the cluster while contended.
   *
   * @param tenant the tenant
   * @param weight its weight
   * @param share its fraction of the cores
   * @param fairShare the fraction weighted max-min fairness entitles it to, given its demand
   * @param meanGap how far, moment by moment, its cores were from that fair division, averaged over
   *     the contended time as a fraction of the cores in use: unlike {@code share − fairShare} it
   *     does not let an hour of too much make up for an hour of too little
   */
  public record TenantUse(
      String tenant, double weight, double share, double fairShare, double meanGap) {
    public TenantUse {
      requireNonNull(tenant, "tenant is null");
    }

    /** How far its share is from fair, in fractions (0.05 is 5 percentage points). */
    public double deviation() {
      return Math.abs(share - fairShare);
    }
  }

  /** The largest {@link TenantUse#deviation()} over the tenants, 0 when never contended. */
  public double maxShareDeviation() {
    return tenantShares.stream().mapToDouble(TenantUse::deviation).max().orElse(0);
  }

  /** The largest {@link TenantUse#meanGap()} over the tenants, 0 when never contended. */
  public double maxMeanGap() {
    return tenantShares.stream().mapToDouble(TenantUse::meanGap).max().orElse(0);
  }

  /** A fixed-width markdown table, one column per report, one row per measure. */
  public static String table(List<SimulationReport> reports) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("jobs completed", r -> r.completedJobs() + " / " + r.jobs()));
    rows.add(new Row("chunks completed", r -> r.completedChunks() + " / " + r.totalChunks()));
    rows.add(new Row("makespan", r -> duration(r.makespanMillis())));
    rows.add(new Row("core utilization", r -> percent(r.utilization())));
    rows.add(new Row("memory utilization", r -> percent(r.memoryUtilization())));
    for (Priority priority : Priority.values()) {
      rows.add(
          new Row(
              "completion p50 / p95 " + priority.spelling(),
              r ->
                  duration(r.completionP50Millis().getOrDefault(priority, 0L))
                      + " / "
                      + duration(r.completionP95Millis().getOrDefault(priority, 0L))));
    }
    rows.add(
        new Row(
            "wait of a low job p95 / max",
            r -> duration(r.lowWaitP95Millis()) + " / " + duration(r.maxLowWaitMillis())));
    rows.add(new Row("max tenant share deviation", r -> points(r.maxShareDeviation())));
    rows.add(new Row("max tenant gap to fair, time-averaged", r -> points(r.maxMeanGap())));
    rows.add(new Row("preemptions", r -> Long.toString(r.preemptions())));
    rows.add(new Row("lost to preemption", r -> coreHours(r.preemptedCoreMillis())));
    rows.add(
        new Row(
            "worker failures / chunks lost", r -> r.workerFailures() + " / " + r.failedChunks()));
    rows.add(new Row("lost to failures", r -> coreHours(r.failedCoreMillis())));

    List<String> header = new ArrayList<>();
    header.add("measure");
    reports.forEach(r -> header.add(r.scheduler()));
    List<List<String>> cells = new ArrayList<>();
    cells.add(header);
    for (Row row : rows) {
      List<String> line = new ArrayList<>();
      line.add(row.label());
      reports.forEach(r -> line.add(row.value().apply(r)));
      cells.add(line);
    }
    return render(cells);
  }

  /**
   * A fixed-width markdown table of each tenant's share against its fair share (both in percent of
   * the cores in use while contended), one column per report.
   */
  public static String tenantTable(List<SimulationReport> reports) {
    List<String> header = new ArrayList<>(List.of("tenant", "weight"));
    reports.forEach(r -> header.add(r.scheduler() + ": share / fair"));
    List<List<String>> cells = new ArrayList<>();
    cells.add(header);
    if (!reports.isEmpty()) {
      List<TenantUse> first = reports.get(0).tenantShares();
      for (int t = 0; t < first.size(); t++) {
        int index = t;
        List<String> line = new ArrayList<>();
        line.add(first.get(t).tenant());
        line.add(String.format(Locale.ROOT, "%.0f", first.get(t).weight()));
        reports.forEach(
            r -> {
              TenantUse use = r.tenantShares().get(index);
              line.add(
                  String.format(
                      Locale.ROOT, "%.1f%% / %.1f%%", use.share() * 100, use.fairShare() * 100));
            });
        cells.add(line);
      }
    }
    return render(cells);
  }

  private record Row(String label, Function<SimulationReport, String> value) {}

  private static String render(List<List<String>> cells) {
    int[] widths = new int[cells.get(0).size()];
    for (List<String> line : cells) {
      for (int c = 0; c < line.size(); c++) {
        widths[c] = Math.max(widths[c], line.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      appendLine(out, cells.get(i), widths);
      if (i == 0) {
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
          rule.add("-".repeat(width));
        }
        appendLine(out, rule, widths);
      }
    }
    return out.toString();
  }

  private static void appendLine(StringBuilder out, List<String> line, int[] widths) {
    out.append('|');
    for (int c = 0; c < line.size(); c++) {
      String cell = line.get(c);
      out.append(' ').append(cell).append(" ".repeat(widths[c] - cell.length())).append(" |");
    }
    out.append('\n');
  }

  private static String duration(long millis) {
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  private static String points(double fraction) {
    return String.format(Locale.ROOT, "%.1f pp", fraction * 100);
  }

  private static String coreHours(long coreMillis) {
    return String.format(Locale.ROOT, "%.1f core-h", coreMillis / 3_600_000.0);
  }
}
