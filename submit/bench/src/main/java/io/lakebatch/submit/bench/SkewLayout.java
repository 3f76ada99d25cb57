package io.lakebatch.submit.bench;

import io.lakebatch.jobs.SyntheticTableOptions;

/**
 * The three inputs of the skew section: the same rows of the mlp profile, laid out in files
 * differently.
 */
public enum SkewLayout {
  /** Rows spread evenly over {@value #FILES_PER_CORE} files per core. */
  UNIFORM("uniform"),
  /** 80% of the rows in one file, the rest spread as in {@link #UNIFORM}. */
  SKEWED("skewed-80"),
  /**
   * Rows spread over many small files ({@link BenchmarkOptions#tinyFiles()}, default {@value
   * #TINY_FILES_COUNT}).
   */
  TINY_FILES("tiny-files");

  public static final int FILES_PER_CORE = 4;
  public static final double SKEW = 0.8;
  public static final int TINY_FILES_COUNT = 256;

  private final String id;

  SkewLayout(String id) {
    this.id = id;
  }

  /** Name in the table, the results and the folder. */
  public String id() {
    return id;
  }

  public SyntheticTableOptions tableOptions(long rows, int cores, int tinyFiles) {
    SyntheticTableOptions uniform =
        BenchmarkProfile.MLP.tableOptions(rows).withFiles(FILES_PER_CORE * cores);
    return switch (this) {
      case UNIFORM -> uniform;
      case SKEWED -> uniform.withSkew(SKEW);
      case TINY_FILES -> uniform.withFiles(tinyFiles);
    };
  }

  public String description(int cores, int tinyFiles) {
    return switch (this) {
      case UNIFORM -> "rows spread evenly over " + FILES_PER_CORE * cores + " files";
      case SKEWED -> Math.round(SKEW * 100) + "% of rows in one file";
      case TINY_FILES -> tinyFiles + " tiny files";
    };
  }
}
