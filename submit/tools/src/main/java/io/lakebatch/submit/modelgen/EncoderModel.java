package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code encoder} kind, a small transformer encoder over token ids with seeded weights.
 *
 * <p>Inputs {@code input_ids} int64 [N, S] and {@code attention_mask} int64 [N, S] (1 = real token,
 * 0 = padding), both with a dynamic sequence length S of at most {@code maximumLength}. Token
 * embedding Gather [vocabulary, hidden] plus a learned positional embedding for positions 0..S-1,
 * then {@code depth} post-norm encoder layers: multi-head self-attention ({@code attentionHeads}
 * heads; padded keys get a large negative bias before Softmax), residual and layer norm,
 * feed-forward (Relu, inner width {@code feedForwardWidth}), residual and layer norm. Mean pooling
 * over real tokens gives output {@code embedding} float [N, hidden], and a linear head gives output
 * {@code score} float [N, 1].
 *
 * <p>Padded positions never reach a real token's result, so a row scores the same whatever padding
 * follows it: a batch needs padding only to its longest row. Layer norm is written out with
 * ReduceMean, Sub, Mul, Sqrt and Div because opset 13 has no LayerNormalization.
 *
 * <p>The tokenizer contract travels in the model's {@code metadata_props}: {@value #TOKENIZER_KEY}
 * = {@value #HASHING_TOKENIZER}, {@value #VOCABULARY_SIZE_KEY} and {@value #MAXIMUM_LENGTH_KEY}. Id
 * {@value #PADDING_ID} is padding; the tokenizer maps words to ids in {@code [1, vocabulary)}. Ids
 * outside {@code [0, vocabulary)} and sequences longer than {@code maximumLength} are rejected by
 * ONNX Runtime.
 *
 * <p>Cost per row grows faster than S (attention is quadratic in S, the rest linear). With the
 * defaults, measured with ONNX Runtime 1.28 on one intra-op thread at batch 64 (thread CPU time;
 * 2-core AMD EPYC VM, see {@code ModelProfileCostMeasurement}): about 57 us per row at S = 16, 250
 * us at S = 64 and 800 us at S = 128.
 */
public final class EncoderModel {

  public static final String INPUT_IDS_NAME = "input_ids";
  public static final String ATTENTION_MASK_NAME = "attention_mask";
  public static final String SCORE_OUTPUT_NAME = "score";
  public static final String EMBEDDING_OUTPUT_NAME = "embedding";

  /** Symbolic name of the dynamic sequence dimension. */
  public static final String SEQUENCE_DIMENSION = "S";

  public static final String TOKENIZER_KEY = "lakebatch.tokenizer";
  public static final String VOCABULARY_SIZE_KEY = "lakebatch.vocab-size";
  public static final String MAXIMUM_LENGTH_KEY = "lakebatch.max-length";
  public static final String HASHING_TOKENIZER = "hashing";
  public static final long PADDING_ID = 0;

  // Padded keys get a bias of (mask - 1) * 1e9 = -1e9; exp(-1e9 - max) is exactly 0 in float, so
  // their attention
  // weight is exactly zero and real tokens' results do not depend on how much padding follows.
  private static final float MASKED_KEY_PENALTY = 1e9f;
  private static final float LAYER_NORM_EPSILON = 1e-5f;

  private final ModelOptions options;
  private final OnnxGraphBuilder graph;
  private final SplittableRandom random;
  private final int width;

  private EncoderModel(ModelOptions options) {
    this.options = options;
    this.graph = new OnnxGraphBuilder("lakebatch_encoder");
    this.random = new SplittableRandom(options.seed());
    this.width = options.hidden();
  }

  /** Width of each attention head: {@code hidden / attentionHeads}. */
  public static int headWidth(ModelOptions options) {
    return options.hidden() / options.attentionHeads();
  }

  static ModelProto build(ModelOptions options) {
    if (options.hidden() % options.attentionHeads() != 0) {
      throw new IllegalArgumentException(
          "hidden ("
              + options.hidden()
              + ") must be a multiple of attentionHeads ("
              + options.attentionHeads()
              + ") for the encoder");
    }
    if (options.vocabulary() < 2) {
      throw new IllegalArgumentException(
          "vocabulary must be at least 2 for the encoder (id 0 is padding), got "
              + options.vocabulary());
    }
    return new EncoderModel(options).encoder();
  }

  static String description(ModelOptions options) {
    return "Encoder: "
        + INPUT_IDS_NAME
        + " int64[N,S] (ids in [1,"
        + options.vocabulary()
        + "), 0 = padding), "
        + ATTENTION_MASK_NAME
        + " int64[N,S], S <= "
        + options.maximumLength()
        + " -> embedding "
        + options.hidden()
        + " + positions -> "
        + options.depth()
        + " x (self-attention "
        + options.attentionHeads()
        + " heads + LayerNorm, feed-forward "
        + options.feedForwardWidth()
        + " Relu + LayerNorm) -> masked mean -> "
        + EMBEDDING_OUTPUT_NAME
        + " float[N,"
        + options.hidden()
        + "] -> Gemm 1 -> "
        + SCORE_OUTPUT_NAME
        + " float[N,1]; tokenizer "
        + HASHING_TOKENIZER
        + "; seed "
        + options.seed();
  }

  private ModelProto encoder() {
    String batch = OnnxGraphBuilder.BATCH_DIMENSION;
    graph
        .input(
            INPUT_IDS_NAME, OnnxGraphBuilder.tensorType(DataType.INT64, batch, SEQUENCE_DIMENSION))
        .input(
            ATTENTION_MASK_NAME,
            OnnxGraphBuilder.tensorType(DataType.INT64, batch, SEQUENCE_DIMENSION))
        .output(SCORE_OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, 1))
        .output(EMBEDDING_OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, width))
        .metadata(TOKENIZER_KEY, HASHING_TOKENIZER)
        .metadata(VOCABULARY_SIZE_KEY, Integer.toString(options.vocabulary()))
        .metadata(MAXIMUM_LENGTH_KEY, Integer.toString(options.maximumLength()));

    String hidden = embeddings();
    String keyBias = keyBias();
    for (int layer = 0; layer < options.depth(); layer++) {
      String prefix = "layer" + layer;
      String attended =
          add(prefix + "_attention_residual", hidden, selfAttention(prefix, hidden, keyBias));
      String normalized = layerNorm(prefix + "_attention_norm", attended);
      String inner =
          linear(
              prefix + "_ffn_in",
              normalized,
              width,
              options.feedForwardWidth(),
              SeededValues.heScale(width));
      graph.node("Relu", List.of(inner), List.of(prefix + "_ffn_relu"));
      String outer =
          linear(
              prefix + "_ffn_out",
              prefix + "_ffn_relu",
              options.feedForwardWidth(),
              width,
              xavierScale(options.feedForwardWidth()));
      hidden = layerNorm(prefix + "_ffn_norm", add(prefix + "_ffn_residual", normalized, outer));
    }
    maskedMean(hidden);

    String headWeight =
        graph.floatInitializer(
            "head_weight", SeededValues.uniform(random, width, xavierScale(width)), 1, width);
    String headBias = graph.floatInitializer("head_bias", SeededValues.uniform(random, 1, 0.1), 1);
    graph.node(
        "Gemm",
        List.of(EMBEDDING_OUTPUT_NAME, headWeight, headBias),
        List.of(SCORE_OUTPUT_NAME),
        OnnxGraphBuilder.intAttribute("transB", 1));
    return graph.build(description(options), false);
  }

  /**
   * Token embeddings plus positional embeddings for positions {@code 0..S-1}, S read from the
   * input's shape.
   */
  private String embeddings() {
    String tokenTable =
        graph.floatInitializer(
            "token_embedding",
            SeededValues.uniform(random, options.vocabulary() * width, 1.0),
            options.vocabulary(),
            width);
    String positionTable =
        graph.floatInitializer(
            "position_embedding",
            SeededValues.uniform(random, options.maximumLength() * width, 0.5),
            options.maximumLength(),
            width);
    graph.node(
        "Gather",
        List.of(tokenTable, INPUT_IDS_NAME),
        List.of("token_embeddings"),
        OnnxGraphBuilder.intAttribute("axis", 0));
    graph.node("Shape", List.of(INPUT_IDS_NAME), List.of("input_shape"));
    String sequenceAxis = graph.longInitializer("sequence_axis", new long[] {1});
    graph.node(
        "Gather",
        List.of("input_shape", sequenceAxis),
        List.of("sequence_length"),
        OnnxGraphBuilder.intAttribute("axis", 0));
    String zero = graph.longInitializer("position_start", new long[] {0});
    String one = graph.longInitializer("position_step", new long[] {1});
    graph.node("Range", List.of(zero, "sequence_length", one), List.of("positions"));
    graph.node(
        "Gather",
        List.of(positionTable, "positions"),
        List.of("position_embeddings"),
        OnnxGraphBuilder.intAttribute("axis", 0));
    return add("embeddings", "token_embeddings", "position_embeddings");
  }

  /**
   * [N, 1, 1, S]: 0 for real keys, a large negative number for padded keys; also defines {@code
   * mask_float}.
   */
  private String keyBias() {
    graph.node(
        "Cast",
        List.of(ATTENTION_MASK_NAME),
        List.of("mask_float"),
        OnnxGraphBuilder.intAttribute("to", DataType.FLOAT.getNumber()));
    String one = graph.floatInitializer("float_one", new float[] {1f});
    String scale = graph.floatInitializer("masked_key_penalty", new float[] {MASKED_KEY_PENALTY});
    graph.node("Sub", List.of("mask_float", one), List.of("mask_minus_one"));
    graph.node("Mul", List.of("mask_minus_one", scale), List.of("key_bias"));
    String axes = graph.longInitializer("key_bias_axes", new long[] {1, 2}, 2);
    graph.node("Unsqueeze", List.of("key_bias", axes), List.of("key_bias_4d"));
    return "key_bias_4d";
  }

  private String selfAttention(String prefix, String input, String keyBias) {
    int heads = options.attentionHeads();
    int headWidth = headWidth(options);
    String splitShape =
        graph.longInitializer(
            prefix + "_split_heads_shape", new long[] {0, 0, heads, headWidth}, 4);
    String mergeShape =
        graph.longInitializer(prefix + "_merge_heads_shape", new long[] {0, 0, width}, 3);
    String query = splitHeads(prefix + "_query", input, splitShape, 0, 2, 1, 3);
    String keyTransposed = splitHeads(prefix + "_key", input, splitShape, 0, 2, 3, 1);
    String value = splitHeads(prefix + "_value", input, splitShape, 0, 2, 1, 3);

    String scale =
        graph.floatInitializer(
            prefix + "_score_scale", new float[] {(float) (1 / Math.sqrt(headWidth))});
    graph.node("MatMul", List.of(query, keyTransposed), List.of(prefix + "_scores"));
    graph.node("Mul", List.of(prefix + "_scores", scale), List.of(prefix + "_scaled_scores"));
    String biased = add(prefix + "_masked_scores", prefix + "_scaled_scores", keyBias);
    graph.node(
        "Softmax",
        List.of(biased),
        List.of(prefix + "_weights"),
        OnnxGraphBuilder.intAttribute("axis", -1));
    graph.node("MatMul", List.of(prefix + "_weights", value), List.of(prefix + "_context_heads"));
    graph.node(
        "Transpose",
        List.of(prefix + "_context_heads"),
        List.of(prefix + "_context_split"),
        OnnxGraphBuilder.intsAttribute("perm", 0, 2, 1, 3));
    graph.node(
        "Reshape", List.of(prefix + "_context_split", mergeShape), List.of(prefix + "_context"));
    return linear(prefix + "_output", prefix + "_context", width, width, xavierScale(width));
  }

  /** Projects [N, S, hidden] and splits it into heads, transposed by {@code permutation}. */
  private String splitHeads(String prefix, String input, String splitShape, long... permutation) {
    String projected = linear(prefix, input, width, width, xavierScale(width));
    graph.node("Reshape", List.of(projected, splitShape), List.of(prefix + "_split"));
    graph.node(
        "Transpose",
        List.of(prefix + "_split"),
        List.of(prefix + "_heads"),
        OnnxGraphBuilder.intsAttribute("perm", permutation));
    return prefix + "_heads";
  }

  /** Layer norm over the last axis, gain 1 and shift 0. */
  private String layerNorm(String prefix, String input) {
    String epsilon = graph.floatInitializer(prefix + "_epsilon", new float[] {LAYER_NORM_EPSILON});
    float[] ones = new float[width];
    Arrays.fill(ones, 1f);
    String gain = graph.floatInitializer(prefix + "_gain", ones, width);
    String shift = graph.floatInitializer(prefix + "_shift", new float[width], width);
    graph.node(
        "ReduceMean",
        List.of(input),
        List.of(prefix + "_mean"),
        OnnxGraphBuilder.intsAttribute("axes", -1),
        OnnxGraphBuilder.intAttribute("keepdims", 1));
    graph.node("Sub", List.of(input, prefix + "_mean"), List.of(prefix + "_centered"));
    graph.node(
        "Mul", List.of(prefix + "_centered", prefix + "_centered"), List.of(prefix + "_squared"));
    graph.node(
        "ReduceMean",
        List.of(prefix + "_squared"),
        List.of(prefix + "_variance"),
        OnnxGraphBuilder.intsAttribute("axes", -1),
        OnnxGraphBuilder.intAttribute("keepdims", 1));
    String padded = add(prefix + "_variance_epsilon", prefix + "_variance", epsilon);
    graph.node("Sqrt", List.of(padded), List.of(prefix + "_deviation"));
    graph.node(
        "Div",
        List.of(prefix + "_centered", prefix + "_deviation"),
        List.of(prefix + "_normalized"));
    graph.node("Mul", List.of(prefix + "_normalized", gain), List.of(prefix + "_scaled"));
    return add(prefix, prefix + "_scaled", shift);
  }

  /** Mean of the real tokens' hidden states, written to the {@code embedding} output. */
  private void maskedMean(String hidden) {
    String axes = graph.longInitializer("pool_mask_axes", new long[] {2}, 1);
    String sequenceAxes = graph.longInitializer("pool_sequence_axes", new long[] {1}, 1);
    graph.node("Unsqueeze", List.of("mask_float", axes), List.of("pool_mask"));
    graph.node("Mul", List.of(hidden, "pool_mask"), List.of("pool_masked"));
    graph.node(
        "ReduceSum",
        List.of("pool_masked", sequenceAxes),
        List.of("pool_sum"),
        OnnxGraphBuilder.intAttribute("keepdims", 0));
    graph.node(
        "ReduceSum",
        List.of("pool_mask", sequenceAxes),
        List.of("pool_count"),
        OnnxGraphBuilder.intAttribute("keepdims", 0));
    // A row without real tokens would divide by zero; its embedding is 0 instead.
    graph.node("Max", List.of("pool_count", "float_one"), List.of("pool_divisor"));
    graph.node("Div", List.of("pool_sum", "pool_divisor"), List.of(EMBEDDING_OUTPUT_NAME));
  }

  /** {@code input @ W + b} with W [inputs, outputs] drawn from {@code (-scale, scale)}. */
  private String linear(String prefix, String input, int inputs, int outputs, double scale) {
    String weight =
        graph.floatInitializer(
            prefix + "_weight",
            SeededValues.uniform(random, inputs * outputs, scale),
            inputs,
            outputs);
    String bias =
        graph.floatInitializer(
            prefix + "_bias", SeededValues.uniform(random, outputs, 0.1), outputs);
    graph.node("MatMul", List.of(input, weight), List.of(prefix + "_product"));
    return add(prefix, prefix + "_product", bias);
  }

  private String add(String output, String left, String right) {
    graph.node("Add", List.of(left, right), List.of(output));
    return output;
  }

  /** Uniform scale giving unit-variance outputs for unit-variance inputs without a Relu. */
  private static double xavierScale(int fanIn) {
    return Math.sqrt(3.0 / fanIn);
  }
}
