package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.TensorFeed;
import io.lakebatch.catalog.model.TextEncoding;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class TensorBatchTextTest {
  private static final TextEncoding IDS = new TextEncoding(false, TextEncoding.HASHING, 1000, 16);
  private static final StructType SCHEMA = new StructType().add("text", DataTypes.StringType);

  private static InternalRow text(String value) {
    return new GenericInternalRow(
        new Object[] {value == null ? null : UTF8String.fromString(value)});
  }

  @Test
  void aBatchIsPaddedToItsLongestRowWithAMaskOfItsTokens() throws Exception {
    TensorBatch batch =
        new TensorBatch(
            List.of(
                TensorFeed.text("input_ids", ElementType.INT64, "text", IDS),
                TensorFeed.text("attention_mask", ElementType.INT64, "text", IDS.asMask())),
            SCHEMA,
            4);
    assertThat(batch.write(text("one"), 0)).isNull();
    assertThat(batch.write(text("one two three"), 1)).isNull();
    assertThat(batch.write(text("two three"), 2)).isNull();

    Map<String, OnnxTensor> tensors = batch.tensors(OrtSessionCache.environment(), 3);
    try {
      OnnxTensor ids = tensors.get("input_ids");
      OnnxTensor mask = tensors.get("attention_mask");
      assertThat(ids.getInfo().getShape()).containsExactly(3, 3);
      assertThat(mask.getInfo().getShape()).containsExactly(3, 3);
      long[] idValues = toArray(ids.getLongBuffer());
      long[] expected = new long[3];
      new HashingTokenizer(IDS).encode("one two three", expected, 0);
      assertThat(idValues)
          .containsExactly(
              expected[0],
              0,
              0,
              expected[0],
              expected[1],
              expected[2],
              expected[1],
              expected[2],
              0);
      assertThat(toArray(mask.getLongBuffer())).containsExactly(1, 0, 0, 1, 1, 1, 1, 1, 0);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void nullOrWordlessTextIsRejectedWithTheColumnName() {
    TensorBatch batch =
        new TensorBatch(
            List.of(TensorFeed.text("input_ids", ElementType.INT64, "text", IDS)), SCHEMA, 2);
    assertThat(batch.write(text(null), 0)).isEqualTo("null in column 'text'");
    assertThat(batch.write(text(" -- "), 0)).startsWith("no words in column 'text'");
  }

  private static long[] toArray(LongBuffer buffer) {
    long[] values = new long[buffer.remaining()];
    buffer.get(values);
    return values;
  }
}
