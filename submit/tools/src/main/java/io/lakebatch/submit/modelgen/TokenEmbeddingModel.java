package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code tokens} kind: input {@code input_ids} int64 [N, sequenceLength]; Gather from an
 * embedding table [vocabulary, embeddingWidth], ReduceMean over the sequence axis to output {@code
 * embedding} float [N, embeddingWidth], then Gemm to one unit and Reshape to output {@code score}
 * float [N].
 *
 * <p>The embedding width is {@code min(hidden, 8)} to keep tables small. Token ids are used as they
 * are (no modulo): every id must lie in {@code [0, vocabulary)}; ONNX Runtime rejects ids outside
 * that range.
 */
public final class TokenEmbeddingModel {

  public static final String INPUT_NAME = "input_ids";
  public static final String EMBEDDING_OUTPUT_NAME = "embedding";
  public static final String SCORE_OUTPUT_NAME = "score";
  public static final int MAXIMUM_EMBEDDING_WIDTH = 8;

  private TokenEmbeddingModel() {}

  /** Width of each embedding row and of the {@code embedding} output: {@code min(hidden, 8)}. */
  public static int embeddingWidth(ModelOptions options) {
    return Math.min(options.hidden(), MAXIMUM_EMBEDDING_WIDTH);
  }

  static ModelProto build(ModelOptions options) {
    int width = embeddingWidth(options);
    String batch = OnnxGraphBuilder.BATCH_DIMENSION;
    SplittableRandom random = new SplittableRandom(options.seed());
    OnnxGraphBuilder graph =
        new OnnxGraphBuilder("lakebatch_tokens")
            .input(
                INPUT_NAME,
                OnnxGraphBuilder.tensorType(DataType.INT64, batch, options.sequenceLength()))
            .output(
                EMBEDDING_OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, width))
            .output(SCORE_OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch));

    String table =
        graph.floatInitializer(
            "embedding_table",
            SeededValues.uniform(random, options.vocabulary() * width, 1.0),
            options.vocabulary(),
            width);
    graph.node(
        "Gather",
        List.of(table, INPUT_NAME),
        List.of("token_embeddings"),
        OnnxGraphBuilder.intAttribute("axis", 0));
    graph.node(
        "ReduceMean",
        List.of("token_embeddings"),
        List.of(EMBEDDING_OUTPUT_NAME),
        OnnxGraphBuilder.intsAttribute("axes", 1),
        OnnxGraphBuilder.intAttribute("keepdims", 0));

    String weights =
        graph.floatInitializer(
            "score_weight",
            SeededValues.uniform(random, width, SeededValues.heScale(width)),
            1,
            width);
    String bias = graph.floatInitializer("score_bias", SeededValues.uniform(random, 1, 0.1), 1);
    graph.node(
        "Gemm",
        List.of(EMBEDDING_OUTPUT_NAME, weights, bias),
        List.of("score_column"),
        OnnxGraphBuilder.intAttribute("transB", 1));
    String flatShape = graph.longInitializer("score_shape", new long[] {-1}, 1);
    graph.node("Reshape", List.of("score_column", flatShape), List.of(SCORE_OUTPUT_NAME));
    return graph.build(description(options), false);
  }

  static String description(ModelOptions options) {
    int width = embeddingWidth(options);
    return "Tokens: "
        + INPUT_NAME
        + " int64[N,"
        + options.sequenceLength()
        + "] (ids in [0,"
        + options.vocabulary()
        + ")) -> Gather ["
        + options.vocabulary()
        + ","
        + width
        + "] -> ReduceMean -> "
        + EMBEDDING_OUTPUT_NAME
        + " float[N,"
        + width
        + "] -> Gemm 1 -> "
        + SCORE_OUTPUT_NAME
        + " float[N]; seed "
        + options.seed();
  }
}
