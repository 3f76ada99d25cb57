package io.lakebatch.jobs;

import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Which run, spec, model and input version produced each version of a Delta table, read from the
 * commits' user metadata and joined with the run store.
 */
public final class Lineage {
  private Lineage() {}

  /**
   * One table version.
   *
   * @param run the LakeBatch metadata of the commit; empty for commits LakeBatch did not make
   * @param runRecord the run in the catalog, when it is known there
   */
  public record Entry(
      long version,
      Instant committedAt,
      String operation,
      long rows,
      Optional<CommitMetadata> run,
      Optional<RunRecord> runRecord) {

    /** {@code name@version} from the catalog when known, else what the commit recorded. */
    public String modelLabel() {
      return runRecord
          .map(RunRecord::modelLabel)
          .or(() -> run.map(CommitMetadata::model))
          .orElse("-");
    }
  }

  /**
   * Every version of the Delta table at {@code path}, oldest first; empty when there is no table.
   */
  public static List<Entry> of(SparkSession spark, String path, Catalog catalog) {
    Map<String, Optional<RunRecord>> runs = new HashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (DeltaChunkTable.TableCommit commit : new DeltaChunkTable(spark, path).history(0)) {
      Optional<CommitMetadata> metadata = CommitMetadata.parse(commit.userMetadata());
      Optional<RunRecord> record =
          metadata.flatMap(m -> runs.computeIfAbsent(m.runId(), catalog.runs()::find));
      entries.add(
          new Entry(
              commit.version(),
              Instant.ofEpochMilli(commit.timestampMillis()),
              commit.operation(),
              commit.rows(),
              metadata,
              record));
    }
    return entries;
  }

  /** The lineage as {@code lakebatch lineage} prints it. */
  public static String render(String path, List<Entry> entries) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("lineage of %s: %d versions%n", path, entries.size()));
    out.append(
        String.format(
            "%-7s %-20s %-8s %10s  %-28s %-5s %-12s %-24s %-12s %s%n",
            "version",
            "committed (UTC)",
            "op",
            "rows",
            "run",
            "chunk",
            "spec hash",
            "model",
            "sha256",
            "input version"));
    for (Entry e : entries) {
      out.append(
          String.format(
              "%-7d %-20s %-8s %10s  %-28s %-5s %-12s %-24s %-12s %s%n",
              e.version(),
              e.committedAt().toString().substring(0, 19).replace('T', ' '),
              e.operation(),
              e.rows() < 0 ? "?" : String.format("%,d", e.rows()),
              e.run().map(CommitMetadata::runId).orElse("-"),
              e.run().map(m -> m.chunk() < 0 ? "all" : Integer.toString(m.chunk())).orElse("-"),
              e.run().map(m -> shortHash(m.specHash())).orElse("-"),
              e.modelLabel(),
              e.run().map(m -> shortHash(m.modelSha256())).orElse("-"),
              e.run().map(m -> Long.toString(m.inputVersion())).orElse("-")));
    }
    return out.toString();
  }

  private static String shortHash(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) : hash.isEmpty() ? "-" : hash;
  }
}
