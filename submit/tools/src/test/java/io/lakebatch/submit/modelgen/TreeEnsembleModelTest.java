package io.lakebatch.submit.modelgen;

import static io.lakebatch.submit.modelgen.OnnxRuntimeSupport.BATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreeEnsembleModelTest {

  @TempDir Path directory;

  @Test
  void hasSklearnStyleSignatureAndRunsABatch() throws Exception {
    ModelInfo info =
        ModelGenerator.write(
            ModelKind.TREES, ModelOptions.defaults(), directory.resolve("trees.onnx"));

    assertThat(info.inputNames()).containsExactly("features");
    assertThat(info.outputNames()).containsExactly("label", "probabilities");
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      assertThat(session.getOutputNames()).containsExactly("label", "probabilities");
      OnnxRuntimeSupport.assertTensor(
          session.getInputInfo().get("features"), OnnxJavaType.FLOAT, -1, 32);
      OnnxRuntimeSupport.assertTensor(session.getOutputInfo().get("label"), OnnxJavaType.INT64, -1);
      assertThat(session.getOutputInfo().get("probabilities").getInfo())
          .isInstanceOfSatisfying(
              SequenceInfo.class,
              sequence -> {
                assertThat(sequence.isSequenceOfMaps()).isTrue();
                assertThat(sequence.mapInfo.keyType).isEqualTo(OnnxJavaType.INT64);
                assertThat(sequence.mapInfo.valueType).isEqualTo(OnnxJavaType.FLOAT);
              });

      float[][] rows = OnnxRuntimeSupport.uniformRows(new SplittableRandom(4), BATCH, 32, -1, 1);
      try (OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, rows);
          OrtSession.Result result = session.run(Map.of("features", input))) {
        assertThat(((OnnxTensor) result.get("label").orElseThrow()).getInfo().getShape())
            .containsExactly(BATCH);
        List<Map<Object, Object>> probabilities =
            readProbabilities(result.get("probabilities").orElseThrow());
        assertThat(probabilities)
            .hasSize(BATCH)
            .allSatisfy(row -> assertThat(row).containsOnlyKeys(0L, 1L, 2L));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void matchesTheJavaReferenceOnRandomRows(int classes) throws Exception {
    ModelOptions options =
        ModelOptions.defaults()
            .withFeatures(10)
            .withTrees(15)
            .withTreeDepth(5)
            .withClasses(classes)
            .withSeed(11);
    ModelInfo info =
        ModelGenerator.write(ModelKind.TREES, options, directory.resolve("trees.onnx"));
    TreeEnsembleReference reference =
        new TreeEnsembleReference(TreeEnsembleSpec.fromOptions(options));

    float[][] rows = OnnxRuntimeSupport.uniformRows(new SplittableRandom(5), 200, 10, -1.2, 1.2);
    try (OrtSession session = OnnxRuntimeSupport.open(info.path());
        OnnxTensor input = OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, rows);
        OrtSession.Result result = session.run(Map.of("features", input))) {
      long[] labels = (long[]) result.get("label").orElseThrow().getValue();
      List<Map<Object, Object>> probabilities =
          readProbabilities(result.get("probabilities").orElseThrow());
      for (int row = 0; row < rows.length; row++) {
        TreePrediction expected = reference.predict(rows[row]);
        assertThat(labels[row]).as("label of row %d", row).isEqualTo(expected.label());
        float[] expectedProbabilities = expected.probabilities();
        assertThat(probabilities.get(row)).hasSize(classes);
        double total = 0;
        for (int classIndex = 0; classIndex < classes; classIndex++) {
          float actual = (Float) probabilities.get(row).get((long) classIndex);
          total += actual;
          assertThat(actual)
              .as("row %d class %d", row, classIndex)
              .isCloseTo(expectedProbabilities[classIndex], within(1e-5f));
        }
        assertThat(total).isCloseTo(1.0, within(1e-4));
      }
    }
  }

  @Test
  void specIsFixedBySeed() {
    ModelOptions options = ModelOptions.defaults();
    TreeEnsembleSpec first = TreeEnsembleSpec.fromOptions(options);
    TreeEnsembleSpec second = TreeEnsembleSpec.fromOptions(options);
    assertThat(first.trees()).hasSize(20);
    assertThat(first.trees().get(0).nodeCount()).isEqualTo(31);
    assertThat(first.trees().get(3).thresholds())
        .containsExactly(second.trees().get(3).thresholds());
    assertThat(first.trees().get(3).thresholds())
        .isNotEqualTo(
            TreeEnsembleSpec.fromOptions(options.withSeed(43)).trees().get(3).thresholds());
  }

  @Test
  void rejectsASingleClass() {
    assertThatThrownBy(() -> TreeEnsembleSpec.fromOptions(ModelOptions.defaults().withClasses(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("classes");
  }

  @Test
  void rejectsTreesTooDeepToWrite() {
    assertThatThrownBy(
            () -> TreeEnsembleSpec.fromOptions(ModelOptions.defaults().withTreeDepth(17)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("treeDepth");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<Object, Object>> readProbabilities(OnnxValue value) throws OrtException {
    List<Map<Object, Object>> rows = new ArrayList<>();
    for (OnnxValue element : ((OnnxSequence) value).getValue()) {
      rows.add((Map<Object, Object>) ((OnnxMap) element).getValue());
    }
    return rows;
  }
}
