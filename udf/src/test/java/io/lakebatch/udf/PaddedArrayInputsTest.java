package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.ModelBinding;
import io.lakebatch.catalog.model.ModelBindingResolver;
import io.lakebatch.catalog.model.Padding;
import io.lakebatch.catalog.model.TensorFeed;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.ModelSpec;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Variable-length array columns into inputs {@code [N, S]}: each batch padded to its longest row,
 * masks, rows sorted by length and put back in input order, and the rows that cannot be fed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PaddedArrayInputsTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("ids", DataTypes.createArrayType(DataTypes.LongType, true))
          .add("mask", DataTypes.createArrayType(DataTypes.IntegerType, true));

  @TempDir Path tmp;

  private static InternalRow row(long id, long[] ids, int[] mask) {
    Object[] idValues = ids == null ? null : Arrays.stream(ids).boxed().toArray();
    Object[] maskValues = mask == null ? null : Arrays.stream(mask).boxed().toArray();
    return new GenericInternalRow(
        new Object[] {
          id,
          idValues == null ? null : new GenericArrayData(idValues),
          maskValues == null ? null : new GenericArrayData(maskValues)
        });
  }

  private static InternalRow ids(long... ids) {
    return row(0, ids, null);
  }

  private static TensorFeed padded(String input, String column, Padding padding) {
    return TensorFeed.paddedArray(input, ElementType.INT64, List.of(), column, padding);
  }

  private static final TensorFeed IDS = padded("input_ids", "ids", Padding.of("seq", 0));
  private static final TensorFeed MASK_OF_IDS =
      padded("attention_mask", "ids", new Padding("seq", 0, "input_ids"));

  private static long[] values(OnnxTensor tensor) {
    LongBuffer buffer = tensor.getLongBuffer();
    long[] values = new long[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  @Test
  void aBatchIsPaddedToItsLongestRowAndMaskOfMarksEachRealElement() throws Exception {
    TensorBatch batch = new TensorBatch(List.of(MASK_OF_IDS, IDS), SCHEMA, 4);
    assertThat(batch.write(ids(3), 0)).isNull();
    assertThat(batch.write(ids(1, 2, 3, 4, 5), 1)).isNull();
    assertThat(batch.write(ids(7, 8), 2)).isNull();

    Map<String, OnnxTensor> tensors = batch.tensors(OrtSessionCache.environment(), 3);
    try {
      assertThat(tensors.get("input_ids").getInfo().getShape()).containsExactly(3, 5);
      assertThat(values(tensors.get("input_ids")))
          .containsExactly(3, 0, 0, 0, 0, 1, 2, 3, 4, 5, 7, 8, 0, 0, 0);
      assertThat(tensors.get("attention_mask").getInfo().getShape()).containsExactly(3, 5);
      assertThat(values(tensors.get("attention_mask")))
          .containsExactly(1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void aMaskColumnIsPaddedWithZerosAndARowLongerThanTheBufferGrowsIt() throws Exception {
    TensorFeed maskColumn = padded("attention_mask", "mask", Padding.of("seq", 0));
    TensorBatch batch = new TensorBatch(List.of(IDS, maskColumn), SCHEMA, 2);
    assertThat(batch.write(row(1, new long[] {4, 5}, new int[] {1, 1}), 0)).isNull();
    int long_ = TensorBatch.INITIAL_POSITIONS + 36;
    long[] longIds = new long[long_];
    Arrays.fill(longIds, 9);
    int[] longMask = new int[long_];
    Arrays.fill(longMask, 1);
    assertThat(batch.write(row(2, longIds, longMask), 1)).isNull();

    Map<String, OnnxTensor> tensors = batch.tensors(OrtSessionCache.environment(), 2);
    try {
      long[] ids = values(tensors.get("input_ids"));
      long[] mask = values(tensors.get("attention_mask"));
      assertThat(tensors.get("input_ids").getInfo().getShape()).containsExactly(2, long_);
      assertThat(Arrays.copyOfRange(ids, 0, 3))
          .as("the first row survived the growth")
          .containsExactly(4, 5, 0);
      assertThat(Arrays.stream(ids, 2, long_).allMatch(v -> v == 0)).isTrue();
      assertThat(Arrays.stream(ids, long_, 2 * long_).allMatch(v -> v == 9)).isTrue();
      assertThat(Arrays.stream(mask, 0, long_).sum()).isEqualTo(2);
      assertThat(Arrays.stream(mask, long_, 2 * long_).sum()).isEqualTo(long_);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void rowsThatCannotBeFedSayWhy() {
    TensorFeed limited = padded("input_ids", "ids", Padding.of("seq", 4));
    TensorFeed maskColumn = padded("attention_mask", "mask", Padding.of("seq", 4));
    TensorBatch batch = new TensorBatch(List.of(limited, maskColumn), SCHEMA, 2);
    int[] twoOnes = {1, 1};

    assertThat(batch.write(row(1, null, twoOnes), 0)).isEqualTo("null in column 'ids'");
    assertThat(batch.write(row(1, new long[0], twoOnes), 0))
        .isEqualTo("column 'ids' is empty; model input 'input_ids' needs at least one element");
    assertThat(
            batch.write(
                new GenericInternalRow(
                    new Object[] {
                      1L,
                      new GenericArrayData(new Object[] {1L, null}),
                      new GenericArrayData(new Object[] {1, 1})
                    }),
                0))
        .isEqualTo("null at index 1 of column 'ids'");
    assertThat(batch.write(row(1, new long[] {1, 2, 3, 4, 5}, new int[] {1, 1, 1, 1, 1}), 0))
        .isEqualTo(
            "column 'ids' has 5 elements; model input 'input_ids' takes at most 4"
                + " (model metadata lakebatch.max-length)");
    assertThat(batch.write(row(1, new long[] {1, 2, 3}, twoOnes), 0))
        .isEqualTo(
            "column 'mask' has 2 elements but column 'ids' has 3 elements; model inputs 'attention_mask'"
                + " and 'input_ids' share dimension 'seq', so a row needs the same length in"
                + " both");
    assertThat(batch.write(row(1, new long[] {1, 2}, twoOnes), 0)).isNull();
  }

  @Test
  void aMaskColumnIsCheckedAlsoWhenTheModelsDimsAreUnnamed() {
    TensorBatch batch =
        new TensorBatch(
            List.of(
                padded("input_ids", "ids", Padding.of("", 0)),
                padded("attention_mask", "mask", Padding.of("", 0))),
            SCHEMA,
            2);
    assertThat(batch.write(row(1, new long[] {1, 2, 3}, new int[] {1}), 0))
        .startsWith("column 'mask' has 1 elements but column 'ids' has 3 elements; model inputs")
        .contains("their dynamic sequence dimension (unnamed in the model");
  }

  private InferenceConfig config(byte[] model, Map<String, InputBinding> inputs, int batchSize)
      throws Exception {
    Path file = tmp.resolve("model-" + inputs.size() + ".onnx");
    Files.write(file, model);
    ModelHandle handle = new ModelHandle(file.toString(), ModelFiles.sha256(model), 1);
    try (SessionLease lease = OrtSessionCache.shared().acquire(handle)) {
      ModelBinding binding =
          ModelBindingResolver.resolve(
              ModelSpec.ofPath(file.toString(), inputs, Map.of()),
              List.of("id"),
              SparkTypeMapping.columns(SCHEMA),
              OrtSignatureReader.read(lease.session()),
              OrtSignatureReader.metadata(lease.session()));
      return new InferenceConfig(handle, binding, SCHEMA, List.of("id"), batchSize);
    }
  }

  /** Scores {@code rows} in one task; the dead letters' reasons by id go to {@code rejected}. */
  private static List<InternalRow> score(
      InferenceConfig config, List<InternalRow> rows, Map<Long, String> rejected) {
    Iterator<InternalRow> out =
        BatchInferenceFunction.scoring(
                config, r -> rejected.put(r.getLong(0), r.getUTF8String(2).toString()))
            .call(rows.iterator());
    List<InternalRow> scored = new ArrayList<>();
    out.forEachRemaining(r -> scored.add(r.copy()));
    return scored;
  }

  @Test
  void paddedRowsScoreAsAloneComeOutInInputOrderAndBadRowsAreDeadLetters() throws Exception {
    Map<String, InputBinding> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", new InputBinding.ArrayColumn("ids", List.of()));
    inputs.put("attention_mask", new InputBinding.TokenMask("input_ids"));
    InferenceConfig config = config(OnnxTestModels.maskedMean(), inputs, 8);
    assertThat(config.binding().feeds()).allMatch(TensorFeed::isPadded);

    SplittableRandom random = new SplittableRandom(7);
    List<InternalRow> rows = new ArrayList<>();
    Map<Long, long[]> byId = new LinkedHashMap<>();
    for (long id = 0; id < 300; id++) {
      if (id % 50 == 13) {
        rows.add(row(id, id % 100 == 13 ? null : new long[0], null));
        continue;
      }
      long[] ids = random.longs(random.nextInt(1, 40), 1, 20).toArray();
      byId.put(id, ids);
      rows.add(row(id, ids, null));
    }
    Map<Long, String> rejected = new LinkedHashMap<>();

    List<InternalRow> scored = score(config, rows, rejected);

    assertThat(rejected).hasSize(6);
    assertThat(rejected.get(13L)).isEqualTo("null in column 'ids'");
    assertThat(rejected.get(63L)).startsWith("column 'ids' is empty");
    assertThat(scored).hasSize(294);
    assertThat(scored.stream().map(r -> r.getLong(0)).toList())
        .as("input order, though each window of 16 batches was scored length-sorted")
        .containsExactlyElementsOf(byId.keySet());
    OrtEnvironment env = OrtSessionCache.environment();
    double maxDifference = 0;
    try (OrtSession alone =
        env.createSession(OnnxTestModels.maskedMean(), new OrtSession.SessionOptions())) {
      for (InternalRow r : scored) {
        long[] ids = byId.get(r.getLong(0));
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        try (OnnxTensor idTensor =
                OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length});
            OnnxTensor maskTensor =
                OnnxTensor.createTensor(env, LongBuffer.wrap(ones), new long[] {1, ids.length});
            OrtSession.Result result =
                alone.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor))) {
          float expected = ((float[]) result.get(0).getValue())[0];
          assertThat(r.getFloat(1))
              .as("score of id %d", r.getLong(0))
              .isCloseTo(expected, within(1e-5f));
          maxDifference = Math.max(maxDifference, Math.abs(r.getFloat(1) - expected));
        }
      }
    }
    assertThat(maxDifference).isLessThan(1e-5);
  }

  @Test
  void withoutADeclaredMaxLengthARowTheModelRefusesAloneIsADeadLetter() throws Exception {
    Map<String, InputBinding> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", new InputBinding.ArrayColumn("ids", List.of()));
    InferenceConfig config = config(OnnxTestModels.embeddingMean(10), inputs, 4);
    assertThat(config.binding().feeds().get(0).padding().limited()).isFalse();
    List<InternalRow> rows = new ArrayList<>();
    for (long id = 0; id < 20; id++) {
      rows.add(row(id, id == 17 ? new long[] {1, 2, 12} : new long[] {1, 2, 3}, null));
    }
    Map<Long, String> rejected = new LinkedHashMap<>();

    List<InternalRow> scored = score(config, rows, rejected);

    assertThat(rejected).containsOnlyKeys(17L);
    assertThat(rejected.get(17L))
        .startsWith(
            "the model failed on this row alone (input_ids: 3; it declares no"
                + " lakebatch.max-length, and it scored other rows of this task): ");
    assertThat(scored).hasSize(19);
    assertThat(scored).allSatisfy(r -> assertThat(r.getFloat(1)).isCloseTo(1f, within(1e-6f)));
  }
}
