package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderModelTest {

  private static final ModelOptions OPTIONS = ModelOptions.defaults();

  @TempDir Path directory;

  private ModelInfo info;

  @BeforeEach
  void writeModel() {
    info = ModelGenerator.write(ModelKind.ENCODER, OPTIONS, directory.resolve("encoder.onnx"));
  }

  @Test
  void hasDynamicBatchAndSequenceDimensions() throws Exception {
    assertThat(info.inputNames()).containsExactly("input_ids", "attention_mask");
    assertThat(info.outputNames()).containsExactly("score", "embedding");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("input_ids"), OnnxJavaType.INT64, -1, -1);
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("attention_mask"), OnnxJavaType.INT64, -1, -1);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("score"), OnnxJavaType.FLOAT, -1, 1);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("embedding"), OnnxJavaType.FLOAT, -1, 64);
    }
  }

  @Test
  void carriesTheTokenizerContractAsCustomMetadata() throws Exception {
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      assertThat(session.getMetadata().getCustomMetadata())
          .containsAllEntriesOf(
              Map.of(
                  "lakebatch.tokenizer", "hashing",
                  "lakebatch.vocab-size", "8192",
                  "lakebatch.max-length", "128"));
    }
  }

  @Test
  void scoresAreFiniteAndDifferPerText() throws Exception {
    TokenBatch batch = TokenBatch.random(new SplittableRandom(3), 16, 40, OPTIONS.vocabulary());
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      float[][] scores = scores(session, batch.padded(40));
      assertThat(scores).hasNumberOfRows(16);
      for (float[] row : scores) {
        assertThat(row).hasSize(1);
        assertThat(Float.isFinite(row[0])).isTrue();
      }
      assertThat(java.util.Arrays.stream(scores).map(row -> row[0]).distinct().count())
          .isEqualTo(16);
    }
  }

  /** The property that makes length-sorted batches padded only to their longest row valid. */
  @Test
  void paddingDoesNotChangeScores() throws Exception {
    TokenBatch batch = TokenBatch.random(new SplittableRandom(5), 12, 24, OPTIONS.vocabulary());
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      float[][] tight = scores(session, batch.padded(batch.longest()));
      float[][] loose = scores(session, batch.padded(OPTIONS.maximumLength()));
      for (int row = 0; row < tight.length; row++) {
        assertThat(loose[row][0]).as("row " + row).isCloseTo(tight[row][0], within(1e-4f));
      }
      float[][] alone = scores(session, batch.row(0).padded(batch.length(0)));
      assertThat(alone[0][0]).isCloseTo(tight[0][0], within(1e-4f));
    }
  }

  @Test
  void rejectsSequencesLongerThanTheMaximumLength() throws Exception {
    ModelInfo small =
        ModelGenerator.write(
            ModelKind.ENCODER, OPTIONS.withMaximumLength(8), directory.resolve("small.onnx"));
    TokenBatch batch = TokenBatch.random(new SplittableRandom(7), 2, 8, OPTIONS.vocabulary());
    try (OrtSession session = OnnxRuntimeSupport.open(small.path())) {
      assertThat(scores(session, batch.padded(8))).hasNumberOfRows(2);
      assertThatThrownBy(() -> scores(session, batch.padded(9))).isInstanceOf(OrtException.class);
    }
  }

  @Test
  void sameSeedWritesIdenticalBytes() throws Exception {
    ModelInfo again =
        ModelGenerator.write(ModelKind.ENCODER, OPTIONS, directory.resolve("again.onnx"));
    assertThat(Files.readAllBytes(again.path())).isEqualTo(Files.readAllBytes(info.path()));
  }

  @Test
  void rejectsWidthsNotDivisibleByTheHeadCount() {
    assertThatThrownBy(
            () ->
                ModelGenerator.write(
                    ModelKind.ENCODER, OPTIONS.withHidden(30), directory.resolve("bad.onnx")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attentionHeads");
  }

  static float[][] scores(OrtSession session, long[][][] idsAndMask) throws OrtException {
    try (OnnxTensor ids = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, idsAndMask[0]);
        OnnxTensor mask = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, idsAndMask[1]);
        OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask))) {
      return (float[][]) result.get("score").orElseThrow().getValue();
    }
  }
}
