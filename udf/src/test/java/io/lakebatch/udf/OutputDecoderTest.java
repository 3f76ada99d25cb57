package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.OutputColumn;
import io.lakebatch.catalog.model.OutputKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Model outputs of real ONNX Runtime sessions decoded to Spark internal values, without Spark. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutputDecoderTest {
  private static OutputColumn scalar(String name, ElementType element) {
    return new OutputColumn(name, name, OutputKind.SCALAR, element, ElementType.OTHER);
  }

  private static OutputColumn array(String name, ElementType element) {
    return new OutputColumn(name, name, OutputKind.ARRAY, element, ElementType.OTHER);
  }

  /**
   * Runs {@code model} on input {@code x} and decodes its output {@code y} (or {@code output}) for
   * {@code rows}.
   */
  private static Object[] decode(byte[] model, Object input, OutputColumn output, int rows)
      throws OrtException {
    try (OrtSession session = OrtSessionCache.open("test", model, 1);
        OnnxTensor x = OnnxTensor.createTensor(OrtSessionCache.environment(), input);
        OrtSession.Result result = session.run(Map.of("x", x))) {
      Object[][] values = new OutputDecoder(List.of(output)).decode(result, rows);
      assertThat(values).hasNumberOfRows(1);
      return values[0];
    }
  }

  @Test
  void aVectorOfNIsOneValuePerRow() throws Exception {
    Object[] values =
        decode(
            OnnxTestModels.identity("n", OnnxTestModels.FLOAT),
            new float[] {0.5f, -1f, 3f},
            scalar("y", ElementType.FLOAT),
            3);
    assertThat(values).containsExactly(0.5f, -1f, 3f);
  }

  @Test
  void anNBy1OutputIsOneValuePerRow() throws Exception {
    Object[] doubles =
        decode(
            OnnxTestModels.identity("n1", OnnxTestModels.DOUBLE, 1),
            new double[][] {{2.5}, {-7}},
            scalar("y", ElementType.DOUBLE),
            2);
    assertThat(doubles).containsExactly(2.5, -7.0);
    Object[] longs =
        decode(
            OnnxTestModels.identity("n1-long", OnnxTestModels.INT64, 1),
            new long[][] {{4}, {9}},
            scalar("y", ElementType.INT64),
            2);
    assertThat(longs).containsExactly(4L, 9L);
    Object[] ints =
        decode(
            OnnxTestModels.identity("n1-int", OnnxTestModels.INT32, 1),
            new int[][] {{-3}, {8}},
            scalar("y", ElementType.INT32),
            2);
    assertThat(ints).containsExactly(-3, 8);
  }

  @Test
  void anNByKOutputIsAnArrayPerRow() throws Exception {
    Object[] floats =
        decode(
            OnnxTestModels.identity("nk", OnnxTestModels.FLOAT, 3),
            new float[][] {{1, 2, 3}, {4, 5, 6}},
            array("y", ElementType.FLOAT),
            2);
    assertThat(((ArrayData) floats[0]).toFloatArray()).containsExactly(1, 2, 3);
    assertThat(((ArrayData) floats[1]).toFloatArray()).containsExactly(4, 5, 6);
    Object[] longs =
        decode(
            OnnxTestModels.identity("nk-long", OnnxTestModels.INT64, 2),
            new long[][] {{1, 2}, {3, 4}, {5, 6}},
            array("y", ElementType.INT64),
            3);
    assertThat(((ArrayData) longs[2]).toLongArray()).containsExactly(5, 6);
    Object[] doubles =
        decode(
            OnnxTestModels.identity("nk-double", OnnxTestModels.DOUBLE, 2),
            new double[][] {{0.25, 0.75}},
            array("y", ElementType.DOUBLE),
            1);
    assertThat(((ArrayData) doubles[0]).toDoubleArray()).containsExactly(0.25, 0.75);
  }

  @Test
  void aSequenceOfMapsIsAMapPerRowSortedByKey() throws Exception {
    OutputColumn probabilities =
        new OutputColumn(
            "probabilities", "p", OutputKind.MAP, ElementType.FLOAT, ElementType.INT64);
    Object[] maps =
        decode(
            OnnxTestModels.zipMap(3),
            new float[][] {{0.2f, 0.3f, 0.5f}, {0.9f, 0.1f, 0f}},
            probabilities,
            2);
    assertThat(maps).hasSize(2);
    MapData first = (MapData) maps[0];
    assertThat(first.keyArray().toLongArray()).containsExactly(0, 1, 2);
    assertThat(first.valueArray().toFloatArray()).containsExactly(0.2f, 0.3f, 0.5f);
    MapData second = (MapData) maps[1];
    assertThat(second.valueArray().toFloatArray()).containsExactly(0.9f, 0.1f, 0f);
    assertThat(second.keyArray().toLongArray()).containsExactly(0, 1, 2);
  }

  @Test
  void aScalarOutputWithSeveralValuesPerRowIsAnInternalError() {
    assertThatThrownBy(
            () ->
                decode(
                    OnnxTestModels.identity("not-scalar", OnnxTestModels.FLOAT, 2),
                    new float[][] {{1, 2}},
                    scalar("y", ElementType.FLOAT),
                    1))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining(
            "output 'y' has 2 values per row where its declared shape promised one");
  }

  @Test
  void anOutputWhoseSizeIsNotAMultipleOfTheRowsIsAnInternalError() {
    assertThatThrownBy(
            () ->
                decode(
                    OnnxTestModels.identity("odd", OnnxTestModels.FLOAT, 3),
                    new float[][] {{1, 2, 3}},
                    array("y", ElementType.FLOAT),
                    2))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("output 'y' has 3 elements for a batch of 2 rows");
  }
}
