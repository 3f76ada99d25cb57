package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DepthwiseSeparableModelTest {

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({"32, 10, 3, 8", "17, 4, 2, 4", "1, 3, 2, 16"})
  void hasDocumentedSignatureAndScoresFiniteLogitsThatDependOnTheImage(
      int imageSize, int classes, int stages, int channels) throws Exception {
    ModelOptions options =
        ModelOptions.defaults()
            .withImageSize(imageSize)
            .withClasses(classes)
            .withConvolutionBlocks(stages)
            .withConvolutionChannels(channels);
    ModelInfo info =
        ModelGenerator.write(ModelKind.MOBILENET, options, directory.resolve("mobilenet.onnx"));

    assertThat(info.inputNames()).containsExactly("image");
    assertThat(info.outputNames()).containsExactly("logits");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("image"), OnnxJavaType.FLOAT, -1, 3, imageSize, imageSize);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("logits"), OnnxJavaType.FLOAT, -1, classes);
      assertFiniteAndImageDependent(
          score(session, OnnxRuntimeSupport.BATCH, imageSize, classes), classes);
    }
  }

  @Test
  void kindDefaultsScoreImageNetSizeImagesIntoAThousandClasses() throws Exception {
    ModelOptions options = ModelOptions.defaultsFor(ModelKind.MOBILENET);
    assertThat(options.imageSize()).isEqualTo(224);
    assertThat(options.classes()).isEqualTo(1000);
    ModelInfo info =
        ModelGenerator.write(ModelKind.MOBILENET, options, directory.resolve("mobilenet.onnx"));
    assertThat(info.description())
        .contains("float[N,3,224,224]", "channels 128..1024", "7x7", "float[N,1000]");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      assertFiniteAndImageDependent(score(session, 3, 224, 1000), 1000);
    }
  }

  @Test
  void everyStageHalvesTheSideAndDoublesTheChannels() {
    ModelOptions options = ModelOptions.defaultsFor(ModelKind.MOBILENET);
    assertThat(DepthwiseSeparableModel.stageChannels(options, 0)).isEqualTo(128);
    assertThat(DepthwiseSeparableModel.featureWidth(options)).isEqualTo(1024);
    assertThat(DepthwiseSeparableModel.finalSide(options)).isEqualTo(7);
    assertThat(DepthwiseSeparableModel.finalSide(options.withImageSize(225))).isEqualTo(8);
    assertThat(DepthwiseSeparableModel.finalSide(options.withImageSize(1))).isEqualTo(1);
  }

  @Test
  void depthwiseConvolutionsHaveOneGroupPerChannel() {
    ModelOptions options =
        ModelOptions.defaults()
            .withImageSize(16)
            .withConvolutionBlocks(2)
            .withConvolutionChannels(4);
    List<NodeProto> convolutions =
        DepthwiseSeparableModel.build(options).getGraph().getNodeList().stream()
            .filter(node -> node.getOpType().equals("Conv"))
            .toList();
    // stem, then per stage two blocks of depthwise + pointwise
    assertThat(convolutions).hasSize(1 + 2 * 2 * 2);
    assertThat(convolutions.stream().map(DepthwiseSeparableModelTest::group))
        .containsExactly(1L, 4L, 1L, 8L, 1L, 8L, 1L, 16L, 1L);
    assertThat(convolutions.stream().map(node -> ints(node, "strides").get(0)))
        .containsExactly(2L, 2L, 1L, 1L, 1L, 2L, 1L, 1L, 1L);
  }

  @Test
  void rejectsMoreChannelsThanItCanGrow() {
    ModelOptions options =
        ModelOptions.defaults().withConvolutionChannels(64).withConvolutionBlocks(11);
    assertThatThrownBy(
            () ->
                ModelGenerator.write(
                    ModelKind.MOBILENET, options, directory.resolve("mobilenet.onnx")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536")
        .hasMessageContaining("64 * 2^11");
  }

  /**
   * Scores {@code rows} images: row 0 all zeros, row 1 all ones, the rest seeded 8-bit pixel
   * levels.
   */
  private static float[][] score(OrtSession session, int rows, int side, int classes)
      throws Exception {
    int pixels = 3 * side * side;
    float[] image = new float[rows * pixels];
    Arrays.fill(image, pixels, 2 * pixels, 1f);
    SplittableRandom random = new SplittableRandom(6);
    for (int index = 2 * pixels; index < image.length; index++) {
      image[index] = random.nextInt(256) / 255f;
    }
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                OnnxRuntimeSupport.ENVIRONMENT,
                FloatBuffer.wrap(image),
                new long[] {rows, 3, side, side});
        OrtSession.Result result = session.run(Map.of("image", input))) {
      OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
      assertThat(logits.getInfo().getShape()).containsExactly(rows, classes);
      return (float[][]) logits.getValue();
    }
  }

  private static void assertFiniteAndImageDependent(float[][] logits, int classes) {
    for (float[] row : logits) {
      assertThat(row).hasSize(classes);
      for (float value : row) {
        assertThat(Float.isFinite(value)).as("finite logit %s", value).isTrue();
      }
    }
    for (int row = 1; row < logits.length; row++) {
      assertThat(logits[row]).as("row %d", row).isNotEqualTo(logits[row - 1]);
    }
    if (classes > 1) {
      float[] last = logits[logits.length - 1];
      assertThat(last).as("logits of one row are not all equal").isNotEqualTo(constant(last));
    }
  }

  private static float[] constant(float[] row) {
    float[] same = new float[row.length];
    Arrays.fill(same, row[0]);
    return same;
  }

  private static long group(NodeProto node) {
    return node.getAttributeList().stream()
        .filter(attribute -> attribute.getName().equals("group"))
        .mapToLong(AttributeProto::getI)
        .findFirst()
        .orElse(1);
  }

  private static List<Long> ints(NodeProto node, String name) {
    return node.getAttributeList().stream()
        .filter(attribute -> attribute.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getIntsList();
  }
}
