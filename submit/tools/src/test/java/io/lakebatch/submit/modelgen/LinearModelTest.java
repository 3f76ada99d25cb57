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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearModelTest {

  private static final int FEATURES = 32;

  @TempDir static Path directory;

  private static TrainedLinearModel trained;

  @BeforeAll
  static void train() {
    trained =
        ModelGenerator.trainLinear(
            ModelOptions.defaults().withFeatures(FEATURES), directory.resolve("linear.onnx"));
  }

  @Test
  void reportsTribuoInputAndOutputNames() throws Exception {
    ModelInfo info = trained.info();
    assertThat(info.kind()).isEqualTo(ModelKind.LINEAR);
    assertThat(info.inputNames()).containsExactly("input");
    assertThat(info.outputNames()).containsExactly("output");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      assertThat(session.getInputNames()).containsExactlyElementsOf(info.inputNames());
      assertThat(session.getOutputNames()).containsExactlyElementsOf(info.outputNames());
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("input"), OnnxJavaType.FLOAT, -1, FEATURES);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("output"), OnnxJavaType.FLOAT, -1, 1);

      float[][] rows =
          OnnxRuntimeSupport.uniformRows(new SplittableRandom(3), BATCH, FEATURES, -1, 1);
      try (OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, rows);
          OrtSession.Result result = session.run(Map.of("input", input))) {
        assertThat(((OnnxTensor) result.get(0)).getInfo().getShape()).containsExactly(BATCH, 1);
      }
    }
  }

  @Test
  void featureNamesSortLexicallyInColumnOrder() {
    assertThat(trained.featureNames()).hasSize(FEATURES).startsWith("f00", "f01").endsWith("f31");
    assertThat(trained.featureNames()).isSorted();
    assertThat(LinearRegressionTrainer.featureNames(3)).containsExactly("f0", "f1", "f2");
    assertThat(LinearRegressionTrainer.featureNames(101)).startsWith("f000").endsWith("f100");
  }

  @Test
  void onnxRuntimeMatchesTribuoPredictionsOnFreshRows() throws Exception {
    SplittableRandom random = new SplittableRandom(99);
    double[][] rows = new double[100][];
    float[][] floatRows = new float[100][FEATURES];
    for (int row = 0; row < rows.length; row++) {
      rows[row] = trained.groundTruth().sampleRow(random);
      for (int column = 0; column < FEATURES; column++) {
        floatRows[row][column] = (float) rows[row][column];
        rows[row][column] = floatRows[row][column];
      }
    }
    try (OrtSession session = OnnxRuntimeSupport.open(trained.info().path());
        OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, floatRows);
        OrtSession.Result result = session.run(Map.of("input", input))) {
      float[][] predictions = (float[][]) result.get(0).getValue();
      for (int row = 0; row < rows.length; row++) {
        double expected = trained.predict(rows[row]);
        assertThat((double) predictions[row][0])
            .as("row %d", row)
            .isCloseTo(expected, within(1e-4 * Math.max(1.0, Math.abs(expected))));
      }
    }
  }

  @Test
  void learnsTheSyntheticCoefficients() {
    SplittableRandom random = new SplittableRandom(5);
    for (int row = 0; row < 20; row++) {
      double[] values = trained.groundTruth().sampleRow(random);
      assertThat(trained.predict(values))
          .isCloseTo(trained.groundTruth().target(values), within(0.1));
    }
  }
}
