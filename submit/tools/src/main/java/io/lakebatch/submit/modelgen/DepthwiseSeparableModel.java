package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code mobilenet} kind, a small MobileNet v1-style network of depthwise-separable
 * convolutions: input {@code image} float [N, 3, imageSize, imageSize]; a stem (Conv 3x3 stride 2,
 * Relu) to {@code convolutionChannels} channels; then {@code convolutionBlocks} stages, each a
 * depthwise-separable block with stride 2 that doubles the channels followed by one with stride 1
 * that keeps them; then GlobalAveragePool, Flatten and Gemm to output {@code logits} float [N,
 * classes]. A depthwise-separable block is a depthwise Conv 3x3 ({@code group} = channels), Relu, a
 * pointwise Conv 1x1 and Relu. Batch normalization is left out, as if folded into the convolutions.
 *
 * <p>Every convolution pads by 1 so each stride-2 layer maps a side {@code s} to {@code ceil(s /
 * 2)}; any positive {@code imageSize} works. Weights are uniform with He scaling (fan-in 9 for a
 * depthwise kernel), so activations stay of order one through the Relus.
 *
 * <p>Cost profile: with this kind's defaults ({@link ModelOptions#defaultsFor(ModelKind)}: 224 x
 * 224, stem 64 channels, 4 stages up to 1,024 channels, 1,000 classes) the network does about 341 M
 * multiply-adds per row, 60 % of MobileNet v1 1.0 at 224 (569 M). Measured with ONNX Runtime 1.28
 * on a 2-core Intel Xeon VM: 4.8 ms of thread CPU time per row on one intra-op thread at batch 32
 * ({@code ModelProfileCostMeasurement}); two threads sharing one session, one intra-op thread each,
 * score about 400 rows/s at batch 16 to 64.
 */
public final class DepthwiseSeparableModel {

  public static final String INPUT_NAME = "image";
  public static final String OUTPUT_NAME = "logits";
  public static final int INPUT_CHANNELS = 3;

  /** The default image side of this kind, ImageNet's 224. */
  public static final int DEFAULT_IMAGE_SIZE = 224;

  /** The default stem width of this kind; the last stage has 16 times as many channels. */
  public static final int DEFAULT_STEM_CHANNELS = 64;

  /** The default number of stages of this kind: a 224 image ends as 7 x 7. */
  public static final int DEFAULT_STAGES = 4;

  /** The default number of classes of this kind, ImageNet's 1,000. */
  public static final int DEFAULT_CLASSES = 1000;

  private static final int KERNEL = 3;
  private static final int MAXIMUM_CHANNELS = 1 << 16;

  private DepthwiseSeparableModel() {}

  /**
   * Output channels of stage {@code stage} (0-based): {@code convolutionChannels * 2^(stage + 1)}.
   */
  public static int stageChannels(ModelOptions options, int stage) {
    return options.convolutionChannels() << (stage + 1);
  }

  /** Width of the pooled feature vector feeding the final Gemm: the last stage's channels. */
  public static int featureWidth(ModelOptions options) {
    return stageChannels(options, options.convolutionBlocks() - 1);
  }

  /**
   * Side of the feature map after the stem and every stage: {@code imageSize} halved, rounded up.
   */
  public static int finalSide(ModelOptions options) {
    int side = options.imageSize();
    for (int halving = 0; halving <= options.convolutionBlocks(); halving++) {
      side = (side + 1) / 2;
    }
    return side;
  }

  static ModelProto build(ModelOptions options) {
    if (options.convolutionBlocks() > 16
        || (long) options.convolutionChannels() << options.convolutionBlocks() > MAXIMUM_CHANNELS) {
      throw new IllegalArgumentException(
          "convolutionChannels * 2^convolutionBlocks must be at most "
              + MAXIMUM_CHANNELS
              + " for the mobilenet model, got "
              + options.convolutionChannels()
              + " * 2^"
              + options.convolutionBlocks());
    }
    int size = options.imageSize();
    SplittableRandom random = new SplittableRandom(options.seed());
    String batch = OnnxGraphBuilder.BATCH_DIMENSION;
    OnnxGraphBuilder graph =
        new OnnxGraphBuilder("lakebatch_mobilenet")
            .input(
                INPUT_NAME,
                OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, INPUT_CHANNELS, size, size))
            .output(
                OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, options.classes()));

    int channels = options.convolutionChannels();
    String current =
        convolution(graph, random, "stem", INPUT_NAME, INPUT_CHANNELS, channels, KERNEL, 2, 1);
    for (int stage = 0; stage < options.convolutionBlocks(); stage++) {
      int outputChannels = stageChannels(options, stage);
      String prefix = "stage" + (stage + 1);
      current = separable(graph, random, prefix + "_a", current, channels, outputChannels, 2);
      current = separable(graph, random, prefix + "_b", current, outputChannels, outputChannels, 1);
      channels = outputChannels;
    }
    graph.node("GlobalAveragePool", List.of(current), List.of("pooled"));
    graph.node(
        "Flatten",
        List.of("pooled"),
        List.of("features"),
        OnnxGraphBuilder.intAttribute("axis", 1));

    ClassifierHead.add(graph, random, "features", channels, options.classes(), OUTPUT_NAME);
    return graph.build(description(options), false);
  }

  static String description(ModelOptions options) {
    return "MobileNet: "
        + INPUT_NAME
        + " float[N,3,"
        + options.imageSize()
        + ","
        + options.imageSize()
        + "] -> stem Conv 3x3/2 ("
        + options.convolutionChannels()
        + ") -> "
        + options.convolutionBlocks()
        + " x (2 x (depthwise Conv 3x3 + Relu + pointwise Conv 1x1 + Relu), strides 2 and 1),"
        + " channels "
        + stageChannels(options, 0)
        + ".."
        + featureWidth(options)
        + ", "
        + finalSide(options)
        + "x"
        + finalSide(options)
        + " -> GlobalAveragePool -> Gemm -> "
        + OUTPUT_NAME
        + " float[N,"
        + options.classes()
        + "]; seed "
        + options.seed();
  }

  /**
   * Depthwise Conv 3x3 with {@code stride}, Relu, pointwise Conv 1x1, Relu; returns the last Relu.
   */
  private static String separable(
      OnnxGraphBuilder graph,
      SplittableRandom random,
      String prefix,
      String input,
      int inputChannels,
      int outputChannels,
      int stride) {
    String depthwise =
        convolution(
            graph,
            random,
            prefix + "_dw",
            input,
            inputChannels,
            inputChannels,
            KERNEL,
            stride,
            inputChannels);
    return convolution(
        graph, random, prefix + "_pw", depthwise, inputChannels, outputChannels, 1, 1, 1);
  }

  /**
   * Conv {@code kernel x kernel} (padded to keep the side at stride 1) in {@code groups} groups,
   * followed by Relu; returns the Relu output.
   */
  private static String convolution(
      OnnxGraphBuilder graph,
      SplittableRandom random,
      String prefix,
      String input,
      int inputChannels,
      int outputChannels,
      int kernel,
      int stride,
      int groups) {
    int channelsPerGroup = inputChannels / groups;
    int fanIn = channelsPerGroup * kernel * kernel;
    String weights =
        graph.floatInitializer(
            prefix + "_weight",
            SeededValues.uniform(random, outputChannels * fanIn, SeededValues.heScale(fanIn)),
            outputChannels,
            channelsPerGroup,
            kernel,
            kernel);
    String bias =
        graph.floatInitializer(
            prefix + "_bias", SeededValues.uniform(random, outputChannels, 0.1), outputChannels);
    int pad = kernel / 2;
    graph.node(
        "Conv",
        List.of(input, weights, bias),
        List.of(prefix + "_conv"),
        OnnxGraphBuilder.intsAttribute("kernel_shape", kernel, kernel),
        OnnxGraphBuilder.intsAttribute("pads", pad, pad, pad, pad),
        OnnxGraphBuilder.intsAttribute("strides", stride, stride),
        OnnxGraphBuilder.intAttribute("group", groups));
    graph.node("Relu", List.of(prefix + "_conv"), List.of(prefix + "_relu"));
    return prefix + "_relu";
  }
}
