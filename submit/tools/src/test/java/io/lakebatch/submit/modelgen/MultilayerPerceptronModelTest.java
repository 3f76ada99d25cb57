package io.lakebatch.submit.modelgen;

import static io.lakebatch.submit.modelgen.OnnxRuntimeSupport.BATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultilayerPerceptronModelTest {

  @TempDir Path directory;

  @Test
  void hasDocumentedSignatureAndRunsABatch() throws Exception {
    ModelOptions options = ModelOptions.defaults();
    ModelInfo info =
        ModelGenerator.write(ModelKind.MLP, options, directory.resolve("nested/mlp.onnx"));

    assertThat(info.inputNames()).containsExactly("features");
    assertThat(info.outputNames()).containsExactly("score");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      assertThat(session.getInputNames()).containsExactly("features");
      assertThat(session.getOutputNames()).containsExactly("score");
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("features"), OnnxJavaType.FLOAT, -1, 32);
      OnnxRuntimeSupport.assertTensor(
          session.getOutputInfo().get("score"), OnnxJavaType.FLOAT, -1, 1);

      float[][] rows = OnnxRuntimeSupport.uniformRows(new SplittableRandom(1), BATCH, 32, -1, 1);
      try (OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, rows);
          OrtSession.Result result = session.run(Map.of("features", input))) {
        assertThat(((OnnxTensor) result.get("score").orElseThrow()).getInfo().getShape())
            .containsExactly(BATCH, 1);
      }
    }
  }

  @Test
  void matchesAPlainJavaForwardPassOverTheSeededWeights() throws Exception {
    ModelOptions options =
        ModelOptions.defaults().withFeatures(12).withHidden(20).withDepth(3).withSeed(7);
    ModelInfo info = ModelGenerator.write(ModelKind.MLP, options, directory.resolve("mlp.onnx"));
    List<DenseLayer> layers = MultilayerPerceptronModel.layers(options);
    assertThat(layers).hasSize(4);

    float[][] rows = OnnxRuntimeSupport.uniformRows(new SplittableRandom(2), 64, 12, -2, 2);
    try (OrtSession session = OnnxRuntimeSupport.open(info.path());
        OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, rows);
        OrtSession.Result result = session.run(Map.of("features", input))) {
      float[][] scores = (float[][]) result.get(0).getValue();
      for (int row = 0; row < rows.length; row++) {
        double expected = forward(layers, rows[row]);
        assertThat((double) scores[row][0])
            .as("row %d", row)
            .isCloseTo(expected, within(1e-4 * Math.max(1.0, Math.abs(expected))));
      }
    }
  }

  private static double forward(List<DenseLayer> layers, float[] row) {
    double[] activations = new double[row.length];
    for (int index = 0; index < row.length; index++) {
      activations[index] = row[index];
    }
    for (int layerIndex = 0; layerIndex < layers.size(); layerIndex++) {
      DenseLayer layer = layers.get(layerIndex);
      float[] bias = layer.bias();
      double[] next = new double[layer.outputs()];
      for (int output = 0; output < layer.outputs(); output++) {
        double sum = bias[output];
        for (int input = 0; input < layer.inputs(); input++) {
          sum += layer.weight(output, input) * activations[input];
        }
        boolean hidden = layerIndex < layers.size() - 1;
        next[output] = hidden ? Math.max(0.0, sum) : sum;
      }
      activations = next;
    }
    return activations[0];
  }
}
