package io.lakebatch.tests.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault-injection summary shared by every suite that injects faults: each case appends one line
 * to {@code target/fault-injection/summary.tsv} (relative to {@code user.dir}, the tests module
 * under surefire) and {@link #render()} turns the file into a markdown table. A case recorded again
 * (a later build without {@code clean}) replaces its earlier line in the table.
 */
public final class FaultSummary {
  private static final List<String> HEADER =
      List.of(
          "case", "faults injected", "rows in", "rows out", "dead-letter", "duplicates", "lost");

  private FaultSummary() {}

  /** {@code target/fault-injection} of the module the tests run in. */
  public static Path folder() {
    return Path.of(System.getProperty("user.dir"), "target", "fault-injection");
  }

  public static Path tsv() {
    return folder().resolve("summary.tsv");
  }

  /** Appends one case's line to the TSV file (creating it and its folders). */
  public static synchronized void record(
      String caseName,
      String faults,
      long rowsIn,
      long rowsOut,
      long deadLetter,
      long duplicates,
      long lost) {
    String line =
        String.join(
                "\t",
                clean(caseName),
                clean(faults),
                Long.toString(rowsIn),
                Long.toString(rowsOut),
                Long.toString(deadLetter),
                Long.toString(duplicates),
                Long.toString(lost))
            + "\n";
    try {
      Files.createDirectories(folder());
      Files.writeString(
          tsv(),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + tsv(), e);
    }
    writeMarkdown(); // whichever suite runs last, summary.md holds every case
  }

  /**
   * The TSV file as a markdown table, one row per case (its latest line), in order of first
   * appearance.
   */
  public static synchronized String render() {
    Map<String, String[]> rows = new LinkedHashMap<>();
    try {
      if (Files.isRegularFile(tsv())) {
        for (String line : Files.readAllLines(tsv(), StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            String[] cells = line.split("\t", -1);
            rows.put(cells[0], cells);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tsv(), e);
    }
    StringBuilder table = new StringBuilder();
    table.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    table.append("|---|---|").append("---:|".repeat(HEADER.size() - 2)).append('\n');
    for (String[] cells : rows.values()) {
      table.append('|');
      for (int i = 0; i < HEADER.size(); i++) {
        table.append(' ').append(i < cells.length ? cells[i].replace("|", "\\|") : "").append(" |");
      }
      table.append('\n');
    }
    return table.toString();
  }

  /** Writes {@link #render()} to {@code target/fault-injection/summary.md} and returns it. */
  public static synchronized String writeMarkdown() {
    String table = render();
    try {
      Files.createDirectories(folder());
      Files.writeString(
          folder().resolve("summary.md"), "# Fault injection\n\n" + table, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder().resolve("summary.md"), e);
    }
    return table;
  }

  private static String clean(String cell) {
    return cell.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
