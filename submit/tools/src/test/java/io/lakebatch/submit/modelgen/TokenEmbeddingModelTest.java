package io.lakebatch.submit.modelgen;

import static io.lakebatch.submit.modelgen.OnnxRuntimeSupport.BATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenEmbeddingModelTest {

  @TempDir Path directory;

  @Test
  void hasDocumentedSignatureAndRunsABatch() throws Exception {
    ModelOptions options = ModelOptions.defaults();
    ModelInfo info =
        ModelGenerator.write(ModelKind.TOKENS, options, directory.resolve("tokens.onnx"));

    assertThat(TokenEmbeddingModel.embeddingWidth(options)).isEqualTo(8);
    assertThat(info.inputNames()).containsExactly("input_ids");
    assertThat(info.outputNames()).containsExactly("embedding", "score");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("input_ids"), OnnxJavaType.INT64, -1, 16);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("embedding"), OnnxJavaType.FLOAT, -1, 8);
      OnnxRuntimeSupport.assertTensor(session.getOutputInfo().get("score"), OnnxJavaType.FLOAT, -1);

      long[][] ids = new long[BATCH][16];
      SplittableRandom random = new SplittableRandom(8);
      for (long[] row : ids) {
        for (int position = 0; position < row.length; position++) {
          row[position] = random.nextInt(options.vocabulary());
        }
      }
      ids[1] = ids[0].clone();
      ids[1][0] = ids[0][15];
      ids[1][15] = ids[0][0];
      try (OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, ids);
          OrtSession.Result result = session.run(Map.of("input_ids", input))) {
        OnnxTensor embedding = (OnnxTensor) result.get("embedding").orElseThrow();
        OnnxTensor score = (OnnxTensor) result.get("score").orElseThrow();
        assertThat(embedding.getInfo().getShape()).containsExactly(BATCH, 8);
        assertThat(score.getInfo().getShape()).containsExactly(BATCH);
        float[] scores = (float[]) score.getValue();
        assertThat(scores[1])
            .as("mean pooling ignores token order")
            .isCloseTo(scores[0], within(1e-5f));
        assertThat(scores[2]).isNotEqualTo(scores[0]);
      }
    }
  }

  @Test
  void embeddingWidthIsCappedAtEightButFollowsSmallerHiddenSizes() throws Exception {
    ModelOptions options =
        ModelOptions.defaults().withHidden(5).withVocabulary(50).withSequenceLength(4);
    ModelInfo info =
        ModelGenerator.write(ModelKind.TOKENS, options, directory.resolve("small.onnx"));
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("input_ids"), OnnxJavaType.INT64, -1, 4);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("embedding"), OnnxJavaType.FLOAT, -1, 5);
    }
  }
}
