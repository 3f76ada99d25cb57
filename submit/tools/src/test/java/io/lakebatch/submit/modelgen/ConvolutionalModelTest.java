package io.lakebatch.submit.modelgen;

import static io.lakebatch.submit.modelgen.OnnxRuntimeSupport.BATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvolutionalModelTest {

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({"16, 3, 3, 32", "10, 5, 3, 32", "8, 4, 2, 8", "4, 2, 1, 4"})
  void hasDocumentedSignatureAndRunsABatch(int imageSize, int classes, int blocks, int channels)
      throws Exception {
    ModelOptions options =
        ModelOptions.defaults()
            .withImageSize(imageSize)
            .withClasses(classes)
            .withConvolutionBlocks(blocks)
            .withConvolutionChannels(channels);
    ModelInfo info = ModelGenerator.write(ModelKind.CONV, options, directory.resolve("conv.onnx"));

    assertThat(info.inputNames()).containsExactly("image");
    assertThat(info.outputNames()).containsExactly("logits");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("image"), OnnxJavaType.FLOAT, -1, 3, imageSize, imageSize);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("logits"), OnnxJavaType.FLOAT, -1, classes);

      int pixels = BATCH * 3 * imageSize * imageSize;
      float[] image = new float[pixels];
      SplittableRandom random = new SplittableRandom(6);
      for (int index = 0; index < pixels; index++) {
        image[index] = (float) random.nextDouble();
      }
      try (OnnxTensor input =
              OnnxTensor.createTensor(
                  OnnxRuntimeSupport.ENVIRONMENT,
                  FloatBuffer.wrap(image),
                  new long[] {BATCH, 3, imageSize, imageSize});
          OrtSession.Result result = session.run(Map.of("image", input))) {
        OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
        assertThat(logits.getInfo().getShape()).containsExactly(BATCH, classes);
        float[][] values = (float[][]) logits.getValue();
        assertThat(values[0]).isNotEqualTo(values[1]);
      }
    }
  }

  @Test
  void channelsDoublePerBlockAndFlattenAfterTheLastPooling() {
    ModelOptions options = ModelOptions.defaults().withImageSize(64);
    assertThat(ConvolutionalModel.blockChannels(options, 0)).isEqualTo(32);
    assertThat(ConvolutionalModel.blockChannels(options, 2)).isEqualTo(128);
    assertThat(ConvolutionalModel.flattenedWidth(options)).isEqualTo(128 * 8 * 8);
    assertThat(ConvolutionalModel.flattenedWidth(options.withImageSize(10))).isEqualTo(128);
  }

  @Test
  void rejectsImagesTooSmallToPoolEveryBlock() {
    assertThatThrownBy(
            () ->
                ModelGenerator.write(
                    ModelKind.CONV,
                    ModelOptions.defaults().withImageSize(7),
                    directory.resolve("conv.onnx")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imageSize")
        .hasMessageContaining("8");
    ModelOptions twoBlocks = ModelOptions.defaults().withImageSize(7).withConvolutionBlocks(2);
    assertThat(
            ModelGenerator.write(ModelKind.CONV, twoBlocks, directory.resolve("two-blocks.onnx"))
                .path())
        .exists();
  }
}
