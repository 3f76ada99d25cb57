package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@code conv} kind: input {@code image} float [N, 3, imageSize, imageSize];
 * Conv(3 to 8, 3x3, pads 1), Relu, MaxPool 2x2, Conv(8 to 16, 3x3, pads 1), Relu, MaxPool 2x2, Flatten, Gemm;
 * output {@code logits} float [N, classes]. Each pooling floors odd sizes, so {@code imageSize} must be at least 4.
 */
public final class ConvolutionalModel {

    public static final String INPUT_NAME = "image";
    public static final String OUTPUT_NAME = "logits";
    public static final int INPUT_CHANNELS = 3;
    public static final int FIRST_CHANNELS = 8;
    public static final int SECOND_CHANNELS = 16;
    public static final int MINIMUM_IMAGE_SIZE = 4;

    private static final int KERNEL = 3;

    private ConvolutionalModel() {
    }

    /** Width of the flattened feature vector feeding the final Gemm. */
    public static int flattenedWidth(int imageSize) {
        int pooled = imageSize / 2 / 2;
        return SECOND_CHANNELS * pooled * pooled;
    }

    static ModelProto build(ModelOptions options) {
        int size = options.imageSize();
        if (size < MINIMUM_IMAGE_SIZE) {
            throw new IllegalArgumentException(
                    "imageSize must be at least " + MINIMUM_IMAGE_SIZE + " for the conv model, got " + size);
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        String batch = OnnxGraphBuilder.BATCH_DIMENSION;
        OnnxGraphBuilder graph = new OnnxGraphBuilder("lakebatch_conv")
                .input(INPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, INPUT_CHANNELS, size, size))
                .output(OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, options.classes()));

        String firstBlock = convolutionBlock(graph, random, "block1", INPUT_NAME, INPUT_CHANNELS, FIRST_CHANNELS);
        String secondBlock = convolutionBlock(graph, random, "block2", firstBlock, FIRST_CHANNELS, SECOND_CHANNELS);
        graph.node("Flatten", List.of(secondBlock), List.of("flattened"), OnnxGraphBuilder.intAttribute("axis", 1));

        int flattened = flattenedWidth(size);
        String weights = graph.floatInitializer("classifier_weight",
                SeededValues.uniform(random, options.classes() * flattened, SeededValues.heScale(flattened)),
                options.classes(), flattened);
        String bias = graph.floatInitializer("classifier_bias", SeededValues.uniform(random, options.classes(), 0.1),
                options.classes());
        graph.node("Gemm", List.of("flattened", weights, bias), List.of(OUTPUT_NAME),
                OnnxGraphBuilder.intAttribute("transB", 1));
        return graph.build(description(options), false);
    }

    static String description(ModelOptions options) {
        return "Conv: " + INPUT_NAME + " float[N,3," + options.imageSize() + "," + options.imageSize()
                + "] -> 2 x (Conv 3x3 + Relu + MaxPool 2x2) -> Flatten -> Gemm -> " + OUTPUT_NAME + " float[N,"
                + options.classes() + "]; seed " + options.seed();
    }

    private static String convolutionBlock(OnnxGraphBuilder graph, SplittableRandom random, String prefix,
            String input, int inputChannels, int outputChannels) {
        int fanIn = inputChannels * KERNEL * KERNEL;
        String weights = graph.floatInitializer(prefix + "_conv_weight",
                SeededValues.uniform(random, outputChannels * fanIn, SeededValues.heScale(fanIn)),
                outputChannels, inputChannels, KERNEL, KERNEL);
        String bias = graph.floatInitializer(prefix + "_conv_bias", SeededValues.uniform(random, outputChannels, 0.1),
                outputChannels);
        graph.node("Conv", List.of(input, weights, bias), List.of(prefix + "_conv"),
                OnnxGraphBuilder.intsAttribute("kernel_shape", KERNEL, KERNEL),
                OnnxGraphBuilder.intsAttribute("pads", 1, 1, 1, 1),
                OnnxGraphBuilder.intsAttribute("strides", 1, 1));
        graph.node("Relu", List.of(prefix + "_conv"), List.of(prefix + "_relu"));
        graph.node("MaxPool", List.of(prefix + "_relu"), List.of(prefix + "_pool"),
                OnnxGraphBuilder.intsAttribute("kernel_shape", 2, 2),
                OnnxGraphBuilder.intsAttribute("strides", 2, 2));
        return prefix + "_pool";
    }
}
