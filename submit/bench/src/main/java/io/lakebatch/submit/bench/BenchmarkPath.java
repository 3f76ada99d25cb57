package io.lakebatch.submit.bench;

/** The ways the benchmark scores the same rows. */
public enum BenchmarkPath {
  /** The LakeBatch job: Delta in, batched {@code mapPartitions}, chunked Delta commits out. */
  LAKEBATCH("a", "lakebatch", "LakeBatch Delta -> Delta"),
  /**
   * ONNX Runtime alone over rows already in memory: the ceiling for this model, batch and cores.
   */
  RAW_ORT("b", "raw_ort", "raw ONNX Runtime, Java loop"),
  /** What a user writes first: a Spark SQL UDF calling ONNX Runtime once per row. */
  NAIVE_UDF("c", "naive_udf", "naive per-row Spark UDF"),
  /**
   * The library's DataFrame transformation, {@code score(df)}, written to Delta in one job: no
   * chunks, no catalog.
   */
  SCORE_FRAME("d", "score_df", "score(df) Delta -> Delta"),
  /**
   * Path (a)'s job as a user runs it: {@code lakebatch run spec.yaml} in a new JVM, launch to exit
   * (JVM and Spark start-up, catalog, plan, chunks, shutdown).
   */
  END_TO_END("e", "end_to_end", "lakebatch run in a new JVM, launch to exit");

  private final String letter;
  private final String id;
  private final String description;

  BenchmarkPath(String letter, String id, String description) {
    this.letter = letter;
    this.id = id;
    this.description = description;
  }

  /** {@code a} … {@code e}, as in the ratios {@code a/b}, {@code a/c}, {@code d/a}, {@code e/b}. */
  public String letter() {
    return letter;
  }

  /** Machine-readable name used in results.csv and results.json. */
  public String id() {
    return id;
  }

  public String label() {
    return "(" + letter + ") " + description;
  }
}
