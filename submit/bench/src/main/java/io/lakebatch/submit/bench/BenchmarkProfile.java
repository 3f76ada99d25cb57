package io.lakebatch.submit.bench;

import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.submit.modelgen.ConvolutionalModel;
import io.lakebatch.submit.modelgen.DepthwiseSeparableModel;
import io.lakebatch.submit.modelgen.EncoderModel;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * The model profiles {@code lakebatch bench} times: each a generated, seeded model, the table it
 * scores, the spec binding LakeBatch uses, the quick default size and the targets LakeBatch should
 * meet.
 *
 * <p>Dense profiles ({@link #MLP}, {@link #LINEAR}, {@link #CONV}, {@link #IMAGE}) feed one float
 * tensor built from float columns or one {@code array<float>} column; {@link #ENCODER} feeds token
 * ids and their mask tokenized from a text column.
 */
public enum BenchmarkProfile {
  /** MLP 64 float features, hidden 256, depth 3: light per row, so the row pipeline shows. */
  MLP(
      "mlp",
      ModelKind.MLP,
      ModelOptions.defaults().withFeatures(64).withHidden(256).withDepth(3),
      1_000_000,
      1_000_000,
      1024,
      2_000_000,
      2_000_000,
      Optional.of(Target.atLeast(0.70))),
  /**
   * Tribuo linear regression on 64 features: almost free per row, so only the pipeline shows; no
   * a/b target.
   */
  LINEAR(
      "linear",
      ModelKind.LINEAR,
      ModelOptions.defaults().withFeatures(64),
      1_000_000,
      1_000_000,
      1024,
      2_000_000,
      2_000_000,
      Optional.empty()),
  /** VGG-style network on 3 x 64 x 64 images (about 3 ms per row per core): model-bound. */
  CONV(
      "conv",
      ModelKind.CONV,
      ModelOptions.defaults().withImageSize(64),
      2_000,
      128,
      64,
      10_000,
      4_000,
      Optional.of(Target.atLeast(0.90))),
  /**
   * MobileNet-style depthwise-separable network on ImageNet-size 3 x 224 x 224 images (about 5 ms
   * per row per core), 1,000 classes. Its table keeps Spark's default Parquet settings, as real
   * image tables do: the writer checks sizes only every 100 rows or more, so with these 150 KB
   * (dictionary-encoded) rows a page holds 100 rows, 15 MB, and a row group up to about 690 rows.
   * Quick size 2,000 rows (two files of about 1,000): Spark's vectorized reader would decode up to
   * 4,096 rows of a row group per batch and run a 6 GB driver out of heap; LakeBatch reads such
   * rows in batches of ~32 MB ({@code ReaderBatchSize}). (b) holds at most 800 rows (0.5 GB).
   */
  IMAGE(
      "image",
      ModelKind.MOBILENET,
      ModelOptions.defaultsFor(ModelKind.MOBILENET),
      2_000,
      64,
      32,
      800,
      2_000,
      Optional.of(Target.atLeast(0.85))),
  /**
   * Transformer encoder over text of about 20 words, tokenized by the model's hashing tokenizer.
   */
  ENCODER(
      "encoder",
      ModelKind.ENCODER,
      ModelOptions.defaults(),
      20_000,
      1_000,
      64,
      200_000,
      50_000,
      Optional.of(Target.atLeast(0.90)));

  /** a/c, LakeBatch over the naive per-row UDF, for every profile. */
  public static final Target LAKEBATCH_OVER_NAIVE_UDF = Target.atLeast(5);

  /** Float features of {@link #MLP} and {@link #LINEAR}. */
  public static final int FEATURES = 64;

  /**
   * Row-group size of the {@link #IMAGE} table: parquet-java's own default, which Spark leaves in
   * place. The table generator always sets one (8 MB for the other profiles, on the session's
   * Hadoop configuration, where it stays), so this profile sets the default back.
   */
  static final long DEFAULT_PARQUET_ROW_GROUP_BYTES = ParquetWriter.DEFAULT_BLOCK_SIZE;

  /** Mean words per row of the {@link #ENCODER} table's {@code text} column. */
  public static final int TEXT_WORDS = 20;

  private final String cliName;
  private final ModelKind kind;
  private final ModelOptions modelOptions;
  private final long defaultRows;
  private final long warmUpRows;
  private final int batchSize;
  private final long inMemoryRowLimit;
  private final long naiveRowLimit;
  private final Optional<Target> lakeBatchOverRawOrt;

  BenchmarkProfile(
      String cliName,
      ModelKind kind,
      ModelOptions modelOptions,
      long defaultRows,
      long warmUpRows,
      int batchSize,
      long inMemoryRowLimit,
      long naiveRowLimit,
      Optional<Target> lakeBatchOverRawOrt) {
    this.cliName = cliName;
    this.kind = kind;
    this.modelOptions = modelOptions;
    this.defaultRows = defaultRows;
    this.warmUpRows = warmUpRows;
    this.batchSize = batchSize;
    this.inMemoryRowLimit = inMemoryRowLimit;
    this.naiveRowLimit = naiveRowLimit;
    this.lakeBatchOverRawOrt = lakeBatchOverRawOrt;
  }

  /** The name accepted by {@code --profile}. */
  public String cliName() {
    return cliName;
  }

  public ModelKind kind() {
    return kind;
  }

  public ModelOptions modelOptions() {
    return modelOptions;
  }

  /** Rows of the quick default run. */
  public long defaultRows() {
    return defaultRows;
  }

  /**
   * Rows of the separate table every path scores once before it is timed (at most the timed rows).
   * For the light profiles it is large enough for the JIT to finish with the scan, fill and write
   * code: after a 20,000-row warm-up a 1M-row mlp run took 7.9 s, after a 1M-row one 4.0 s, while
   * the raw loop was already warm.
   */
  public long warmUpRows() {
    return warmUpRows;
  }

  /** {@code execution.batch-size} of the timed LakeBatch run, and the raw loop's batch. */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Most rows path (b) holds in memory (about 0.5 GB of values); (b) scores the first rows by
   * {@code id} up to this many when the table is larger.
   */
  public long inMemoryRowLimit() {
    return inMemoryRowLimit;
  }

  /**
   * Most rows path (c) scores, so the slow path does not dominate the run; the first rows by {@code
   * id}.
   */
  public long naiveRowLimit() {
    return naiveRowLimit;
  }

  /** a/b target; empty where the pipeline, not the model, is expected to bound the rate. */
  public Optional<Target> lakeBatchOverRawOrt() {
    return lakeBatchOverRawOrt;
  }

  /** Whether the model takes token ids and a mask from a text column, else one float tensor. */
  public boolean isText() {
    return this == ENCODER;
  }

  /** The generated input table: key {@code id} plus this profile's columns. */
  public SyntheticTableOptions tableOptions(long rows) {
    return switch (this) {
      case MLP, LINEAR -> SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA);
      case CONV ->
          SyntheticTableOptions.of(rows, 1, TableFormat.DELTA)
              .withImageSize(modelOptions.imageSize());
      // no page size, compression or dictionary options: SyntheticTables sets none
      case IMAGE ->
          SyntheticTableOptions.of(rows, 1, TableFormat.DELTA)
              .withImageSize(modelOptions.imageSize())
              .withRowGroupBytes(DEFAULT_PARQUET_ROW_GROUP_BYTES);
      case ENCODER -> SyntheticTableOptions.of(rows, 1, TableFormat.DELTA).withText(TEXT_WORDS);
    };
  }

  /** The model input fed by the dense profiles; for {@link #ENCODER}, the token ids input. */
  public String modelInput() {
    return switch (this) {
      case MLP -> "features";
      case LINEAR -> "input";
      case CONV -> ConvolutionalModel.INPUT_NAME;
      case IMAGE -> DepthwiseSeparableModel.INPUT_NAME;
      case ENCODER -> EncoderModel.INPUT_IDS_NAME;
    };
  }

  /** The one model output LakeBatch writes (as column {@code score}) and the other paths read. */
  public String modelOutput() {
    return switch (this) {
      case MLP, ENCODER -> "score";
      case LINEAR -> "output";
      case CONV -> ConvolutionalModel.OUTPUT_NAME;
      case IMAGE -> DepthwiseSeparableModel.OUTPUT_NAME;
    };
  }

  /** Values of {@link #modelOutput()} per row. */
  public int outputWidth() {
    return this == CONV || this == IMAGE ? modelOptions.classes() : 1;
  }

  /** Columns read by every path: {@code f0..f63}, {@code image} or {@code text}. */
  public List<String> inputColumns() {
    return switch (this) {
      case MLP, LINEAR -> IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toList();
      case CONV, IMAGE -> List.of("image");
      case ENCODER -> List.of("text");
    };
  }

  /** The dense tensor's shape per row, without the batch dimension; empty for {@link #ENCODER}. */
  public long[] rowShape() {
    int side = modelOptions.imageSize();
    return switch (this) {
      case MLP, LINEAR -> new long[] {FEATURES};
      case CONV -> new long[] {ConvolutionalModel.INPUT_CHANNELS, side, side};
      case IMAGE -> new long[] {DepthwiseSeparableModel.INPUT_CHANNELS, side, side};
      case ENCODER -> new long[0];
    };
  }

  /** The spec's {@code model.inputs}: model input name to its binding, in input order. */
  public Map<String, InputBinding> modelInputs() {
    Map<String, InputBinding> inputs = new LinkedHashMap<>();
    switch (this) {
      case MLP, LINEAR -> inputs.put(modelInput(), new InputBinding.ColumnList(inputColumns()));
      case CONV, IMAGE ->
          inputs.put(
              modelInput(),
              new InputBinding.ArrayColumn("image", Arrays.stream(rowShape()).boxed().toList()));
      case ENCODER -> {
        inputs.put(
            EncoderModel.INPUT_IDS_NAME, new InputBinding.TextColumn("text", OptionalInt.empty()));
        inputs.put(
            EncoderModel.ATTENTION_MASK_NAME,
            new InputBinding.TokenMask(EncoderModel.INPUT_IDS_NAME));
      }
    }
    return inputs;
  }

  /**
   * Parses a {@code --profile} name.
   *
   * @throws IllegalArgumentException naming the allowed names
   */
  public static BenchmarkProfile parse(String name) {
    String normalized = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (BenchmarkProfile profile : values()) {
      if (profile.cliName.equals(normalized)) {
        return profile;
      }
    }
    throw new IllegalArgumentException(
        "Unknown benchmark profile '" + name + "'; allowed: " + allowedNames());
  }

  public static String allowedNames() {
    return Arrays.stream(values()).map(BenchmarkProfile::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
