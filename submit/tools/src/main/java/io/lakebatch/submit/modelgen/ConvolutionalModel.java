package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code conv} kind, a small VGG-style network: input {@code image} float [N, 3, imageSize,
 * imageSize]; {@code convolutionBlocks} blocks of (Conv 3x3 pads 1, Relu, Conv 3x3 pads 1, Relu,
 * MaxPool 2x2), the first block with {@code convolutionChannels} output channels and every further
 * block doubling them; then Flatten and Gemm to output {@code logits} float [N, classes]. Each
 * pooling floors odd sizes, so {@code imageSize} must be at least {@code 2^convolutionBlocks}.
 *
 * <p>Cost profile: with the defaults (3 blocks, 32/64/128 channels) at {@code imageSize} 64 the
 * network does about 154 M multiply-adds per row, about 1,000 times the {@code mlp} profile (64
 * features, hidden 256, depth 3: 148 k). Measured with ONNX Runtime 1.28 on one intra-op thread
 * (thread CPU time, median batch; 2-core AMD EPYC VM, see {@code ModelProfileCostMeasurement}):
 * conv 64x64 at batch 64 takes 2.8 to 3.4 ms per row, mlp at batch 1024 3.0 to 3.3 us per row, a
 * ratio of 890 to 1,030 over six runs (about 950x).
 */
public final class ConvolutionalModel {

  public static final String INPUT_NAME = "image";
  public static final String OUTPUT_NAME = "logits";
  public static final int INPUT_CHANNELS = 3;

  private static final int KERNEL = 3;

  private ConvolutionalModel() {}

  /** Output channels of block {@code block} (0-based): {@code convolutionChannels * 2^block}. */
  public static int blockChannels(ModelOptions options, int block) {
    return options.convolutionChannels() << block;
  }

  /** The smallest image side every pooling can halve: {@code 2^convolutionBlocks}. */
  public static int minimumImageSize(ModelOptions options) {
    return 1 << options.convolutionBlocks();
  }

  /** Width of the flattened feature vector feeding the final Gemm. */
  public static int flattenedWidth(ModelOptions options) {
    int pooled = options.imageSize() >> options.convolutionBlocks();
    return blockChannels(options, options.convolutionBlocks() - 1) * pooled * pooled;
  }

  static ModelProto build(ModelOptions options) {
    int size = options.imageSize();
    if (options.convolutionBlocks() > 16 || size < minimumImageSize(options)) {
      throw new IllegalArgumentException(
          "imageSize must be at least 2^convolutionBlocks = "
              + minimumImageSize(options)
              + " for the conv model, got "
              + size);
    }
    SplittableRandom random = new SplittableRandom(options.seed());
    String batch = OnnxGraphBuilder.BATCH_DIMENSION;
    OnnxGraphBuilder graph =
        new OnnxGraphBuilder("lakebatch_conv")
            .input(
                INPUT_NAME,
                OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, INPUT_CHANNELS, size, size))
            .output(
                OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, options.classes()));

    String current = INPUT_NAME;
    int channels = INPUT_CHANNELS;
    for (int block = 0; block < options.convolutionBlocks(); block++) {
      int outputChannels = blockChannels(options, block);
      String prefix = "block" + (block + 1);
      String first = convolution(graph, random, prefix + "_a", current, channels, outputChannels);
      String second =
          convolution(graph, random, prefix + "_b", first, outputChannels, outputChannels);
      graph.node(
          "MaxPool",
          List.of(second),
          List.of(prefix + "_pool"),
          OnnxGraphBuilder.intsAttribute("kernel_shape", 2, 2),
          OnnxGraphBuilder.intsAttribute("strides", 2, 2));
      current = prefix + "_pool";
      channels = outputChannels;
    }
    graph.node(
        "Flatten",
        List.of(current),
        List.of("flattened"),
        OnnxGraphBuilder.intAttribute("axis", 1));

    int flattened = flattenedWidth(options);
    ClassifierHead.add(graph, random, "flattened", flattened, options.classes(), OUTPUT_NAME);
    return graph.build(description(options), false);
  }

  static String description(ModelOptions options) {
    return "Conv: "
        + INPUT_NAME
        + " float[N,3,"
        + options.imageSize()
        + ","
        + options.imageSize()
        + "] -> "
        + options.convolutionBlocks()
        + " x (2 x (Conv 3x3 + Relu) + MaxPool 2x2), channels "
        + blockChannels(options, 0)
        + ".."
        + blockChannels(options, options.convolutionBlocks() - 1)
        + " -> Flatten -> Gemm -> "
        + OUTPUT_NAME
        + " float[N,"
        + options.classes()
        + "]; seed "
        + options.seed();
  }

  /** Conv 3x3 (same padding) followed by Relu; returns the Relu output. */
  private static String convolution(
      OnnxGraphBuilder graph,
      SplittableRandom random,
      String prefix,
      String input,
      int inputChannels,
      int outputChannels) {
    int fanIn = inputChannels * KERNEL * KERNEL;
    String weights =
        graph.floatInitializer(
            prefix + "_conv_weight",
            SeededValues.uniform(random, outputChannels * fanIn, SeededValues.heScale(fanIn)),
            outputChannels,
            inputChannels,
            KERNEL,
            KERNEL);
    String bias =
        graph.floatInitializer(
            prefix + "_conv_bias",
            SeededValues.uniform(random, outputChannels, 0.1),
            outputChannels);
    graph.node(
        "Conv",
        List.of(input, weights, bias),
        List.of(prefix + "_conv"),
        OnnxGraphBuilder.intsAttribute("kernel_shape", KERNEL, KERNEL),
        OnnxGraphBuilder.intsAttribute("pads", 1, 1, 1, 1),
        OnnxGraphBuilder.intsAttribute("strides", 1, 1));
    graph.node("Relu", List.of(prefix + "_conv"), List.of(prefix + "_relu"));
    return prefix + "_relu";
  }
}
