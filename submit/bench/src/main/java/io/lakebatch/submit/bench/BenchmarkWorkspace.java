package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the benchmark keeps its files: everything it generates lives in {@code out/run} (deleted
 * and recreated on every run), one {@link CaseFolder} per profile, skew input and scaling size; the
 * results next to it in {@code out}.
 */
public record BenchmarkWorkspace(Path out) {
  public BenchmarkWorkspace {
    out = requireNonNull(out, "out is null").toAbsolutePath().normalize();
  }

  public Path root() {
    return out.resolve("run");
  }

  /**
   * The LakeBatch home (embedded catalog, run folders) every LakeBatch run of the benchmark shares.
   */
  public Path home() {
    return root().resolve("home");
  }

  public Path model(BenchmarkProfile profile) {
    return root().resolve("models").resolve(profile.cliName() + ".onnx");
  }

  /** The main-table files of one profile. */
  public CaseFolder profile(BenchmarkProfile profile) {
    return new CaseFolder(root().resolve(profile.cliName()));
  }

  /** The files of one skew-section input, e.g. {@code tiny-files}. */
  public CaseFolder skew(String layout) {
    return new CaseFolder(root().resolve("skew").resolve(layout));
  }

  /** The files of one scaling-section size. */
  public CaseFolder scaling(long rows) {
    return new CaseFolder(root().resolve("scaling").resolve(Long.toString(rows)));
  }

  /** The home (catalog, run folders) of path (e)'s CLI runs, apart from the benchmark's own. */
  public Path endToEndHome() {
    return root().resolve("end-to-end-home");
  }

  public Path resultsCsv() {
    return out.resolve("results.csv");
  }

  public Path resultsJson() {
    return out.resolve("results.json");
  }

  /** Deletes {@link #root()} with everything in it and creates it empty. */
  void recreate() {
    delete(root());
    try {
      Files.createDirectories(root());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not recreate benchmark folder " + root(), e);
    }
  }

  /** Deletes a folder with everything in it, if it exists. */
  static void delete(Path folder) {
    try {
      if (Files.exists(folder)) {
        try (Stream<Path> paths = Files.walk(folder)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete benchmark folder " + folder, e);
    }
  }

  /** The tables and specs of one measured case. */
  public record CaseFolder(Path folder) {
    public CaseFolder {
      requireNonNull(folder, "folder is null");
    }

    /** The timed input table. */
    public Path input() {
      return folder.resolve("input");
    }

    public Path warmUpInput() {
      return folder.resolve("warm-up-input");
    }

    public Path spec(String name) {
      return folder.resolve(name + ".yaml");
    }

    /** The Delta table path (a) writes. */
    public Path lakeBatchOutput() {
      return folder.resolve("lakebatch-output");
    }

    public Path warmUpLakeBatchOutput() {
      return folder.resolve("warm-up-lakebatch-output");
    }

    /** The Delta table path (e) writes. */
    public Path endToEndOutput() {
      return folder.resolve("end-to-end-output");
    }

    /** The Delta table path (c) writes. */
    public Path naiveUdfOutput() {
      return folder.resolve("naive-udf-output");
    }

    /** The Delta table path (d) writes. */
    public Path scoreFrameOutput() {
      return folder.resolve("score-df-output");
    }

    public Path warmUpScoreFrameOutput() {
      return folder.resolve("warm-up-score-df-output");
    }

    public Path warmUpNaiveUdfOutput() {
      return folder.resolve("warm-up-naive-udf-output");
    }

    /** The Delta table {@code batch-size: auto} is prepared for; never written. */
    public Path autoBatchOutput() {
      return folder.resolve("auto-batch-output");
    }
  }
}
