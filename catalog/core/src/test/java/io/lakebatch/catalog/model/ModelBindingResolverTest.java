package io.lakebatch.catalog.model;

import static io.lakebatch.catalog.model.ElementType.DOUBLE;
import static io.lakebatch.catalog.model.ElementType.FLOAT;
import static io.lakebatch.catalog.model.ElementType.INT32;
import static io.lakebatch.catalog.model.ElementType.INT64;
import static io.lakebatch.catalog.model.ElementType.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.BatchSize;
import io.lakebatch.catalog.spec.ExecutionSpec;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.InputSpec;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ModelSpec;
import io.lakebatch.catalog.spec.OutputSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.RetrySpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.spec.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelBindingResolverTest {

  private static final long N = -1L;

  // ---------------------------------------------------------------------------------------------
  // Builders for specs, schemas and signatures

  private static Map<String, InputBinding> inputs(Object... nameAndBinding) {
    Map<String, InputBinding> map = new LinkedHashMap<>();
    for (int i = 0; i < nameAndBinding.length; i += 2) {
      map.put((String) nameAndBinding[i], (InputBinding) nameAndBinding[i + 1]);
    }
    return map;
  }

  private static InputBinding.ColumnList columns(String... names) {
    return new InputBinding.ColumnList(List.of(names));
  }

  private static InputBinding.ArrayColumn array(String column, Long... shape) {
    return new InputBinding.ArrayColumn(column, List.of(shape));
  }

  private static JobSpec spec(Map<String, InputBinding> inputs) {
    return spec(inputs, Map.of(), List.of());
  }

  private static JobSpec spec(
      Map<String, InputBinding> inputs, Map<String, String> outputs, List<String> carry) {
    return new JobSpec(
        "job",
        ModelSpec.ofPath("m.onnx", inputs, outputs),
        new InputSpec(TableFormat.DELTA, "in", OptionalLong.empty(), Optional.empty(), carry),
        new OutputSpec("out", WriteMode.APPEND, "out_dead_letter"),
        new ExecutionSpec(
            BatchSize.fixed(1024),
            OptionalLong.empty(),
            2_000_000L,
            0.01,
            new RetrySpec(4, 3, 10),
            false),
        new ResourceSpec("local[*]", 2, 4, "8g", 0));
  }

  private static TableColumn scalar(String name, ElementType element) {
    return new TableColumn(name, new ColumnType(element, false, sqlName(element)));
  }

  private static TableColumn arrayOf(String name, ElementType element) {
    return new TableColumn(name, new ColumnType(element, true, "array<" + sqlName(element) + ">"));
  }

  private static String sqlName(ElementType element) {
    return switch (element) {
      case INT32 -> "int";
      case INT64 -> "bigint";
      default -> element.displayName();
    };
  }

  /** Scalar float columns f0..f(k-1) plus an id column. */
  private static List<TableColumn> floatColumns(int k) {
    List<TableColumn> schema = new ArrayList<>();
    schema.add(scalar("id", INT64));
    for (int i = 0; i < k; i++) {
      schema.add(scalar("f" + i, FLOAT));
    }
    return schema;
  }

  private static ValueSignature tensor(String name, ElementType element, Long... dims) {
    return ValueSignature.tensor(name, element, List.of(dims));
  }

  private static ValueSignature seqOfMaps(String name, ElementType key, ElementType value) {
    return new ValueSignature(name, ValueKind.SEQUENCE_OF_MAPS, value, List.of(), key);
  }

  private static final ValueSignature SCORE = tensor("score", FLOAT, N);

  private static ModelSignature model(ValueSignature input, ValueSignature... outputs) {
    return new ModelSignature(
        List.of(input), outputs.length == 0 ? List.of(SCORE) : List.of(outputs));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(
      JobSpec spec,
      List<TableColumn> schema,
      ModelSignature model,
      ErrorCategory category,
      String messageStart) {
    return assertThatThrownBy(() -> ModelBindingResolver.resolve(spec, schema, model))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageStartingWith(messageStart)
        .satisfies(e -> assertThat(((LakeBatchException) e).category()).isEqualTo(category));
  }

  // ---------------------------------------------------------------------------------------------
  // Input feeds

  @Test
  void columnListFeedsARowOfKElements() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0", "f1", "f2"))),
            floatColumns(3),
            model(tensor("features", FLOAT, N, 3L)));

    assertThat(binding.feeds())
        .containsExactly(
            new TensorFeed("features", FLOAT, List.of(3L), List.of("f0", "f1", "f2"), false));
    assertThat(binding.feeds().get(0).elementsPerRow()).isEqualTo(3);
    assertThat(binding.featureColumns()).containsExactly("f0", "f1", "f2");
  }

  @Test
  void columnListFitsADynamicFeatureDimension() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0", "f1"))),
            floatColumns(3),
            model(tensor("features", FLOAT, N, N)));

    assertThat(binding.feeds().get(0).rowShape()).containsExactly(2L);
  }

  @Test
  void arrayColumnTakesTheModelsFixedDims() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", array("vec"))),
            List.of(arrayOf("vec", FLOAT)),
            model(tensor("features", FLOAT, N, 4L)));

    assertThat(binding.feeds())
        .containsExactly(new TensorFeed("features", FLOAT, List.of(4L), List.of("vec"), true));
  }

  @Test
  void arrayColumnWithShapeFeedsAnImage() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("image", array("pixels", 3L, 4L, 4L))),
            List.of(arrayOf("pixels", FLOAT)),
            model(tensor("image", FLOAT, N, 3L, 4L, 4L)));

    TensorFeed feed = binding.feeds().get(0);
    assertThat(feed)
        .isEqualTo(new TensorFeed("image", FLOAT, List.of(3L, 4L, 4L), List.of("pixels"), true));
    assertThat(feed.elementsPerRow()).isEqualTo(48);
  }

  @Test
  void shapeFillsDynamicModelDims() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("image", array("pixels", 3L, 4L, 4L))),
            List.of(arrayOf("pixels", FLOAT)),
            model(tensor("image", FLOAT, N, 3L, N, N)));

    assertThat(binding.feeds().get(0).rowShape()).containsExactly(3L, 4L, 4L);
  }

  @Test
  void shapeThatContradictsTheModelIsAModelMismatch() {
    assertFails(
        spec(inputs("image", array("pixels", 4L, 4L, 3L))),
        List.of(arrayOf("pixels", FLOAT)),
        model(tensor("image", FLOAT, N, 3L, 4L, 4L)),
        ErrorCategory.DATA,
        "model.inputs.image.shape: shape [4, 4, 3] does not fit model input float[N,3,4,4]");
  }

  @Test
  void shapeWithTheWrongRankIsAModelMismatch() {
    assertFails(
        spec(inputs("image", array("pixels", 48L))),
        List.of(arrayOf("pixels", FLOAT)),
        model(tensor("image", FLOAT, N, 3L, 4L, 4L)),
        ErrorCategory.DATA,
        "model.inputs.image.shape: shape [48] does not fit model input float[N,3,4,4]");
  }

  @Test
  void int64ArrayColumnFeedsAnInt64Tensor() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("input_ids", array("ids"))),
            List.of(arrayOf("ids", INT64)),
            model(tensor("input_ids", INT64, N, 8L)));

    assertThat(binding.feeds())
        .containsExactly(new TensorFeed("input_ids", INT64, List.of(8L), List.of("ids"), true));
  }

  @Test
  void int64ArrayColumnWithShapeFeedsADynamicSequenceInput() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("input_ids", array("ids", 16L))),
            List.of(arrayOf("ids", INT64)),
            model(tensor("input_ids", INT64, N, N)));

    assertThat(binding.feeds().get(0))
        .isEqualTo(new TensorFeed("input_ids", INT64, List.of(16L), List.of("ids"), true));
  }

  @Test
  void twoDynamicInnerDimsWithoutShapeAskForAShape() {
    assertFails(
        spec(inputs("image", array("pixels"))),
        List.of(arrayOf("pixels", FLOAT)),
        model(tensor("image", FLOAT, N, 3L, N, N)),
        ErrorCategory.DATA,
        "model.inputs.image.shape: model input is float[N,3,N,N] with 2 dynamic dimensions after"
            + " the batch dimension; give model.inputs.image.shape (without one, only a single"
            + " dynamic dimension, the first after the batch dimension, is padded per batch)");
  }

  @Test
  void aDynamicDimThatIsNotTheFirstAsksForAShape() {
    assertFails(
        spec(inputs("x", array("v"))),
        List.of(arrayOf("v", FLOAT)),
        model(tensor("x", FLOAT, N, 4L, N)),
        ErrorCategory.DATA,
        "model.inputs.x.shape: model input is float[N,4,N] with a dynamic dimension that is not"
            + " the first after the batch dimension; give model.inputs.x.shape (without one,");
  }

  // ---------------------------------------------------------------------------------------------
  // Variable-length array inputs

  private static ValueSignature named(String name, ElementType element, List<Long> dims) {
    List<String> names = new ArrayList<>();
    names.add("batch");
    for (int i = 1; i < dims.size(); i++) {
      names.add(dims.get(i) < 0 ? "seq" : "");
    }
    return ValueSignature.tensor(name, element, dims, names);
  }

  private static ModelSignature tokenModel(ValueSignature... inputs) {
    return new ModelSignature(List.of(inputs), List.of(SCORE));
  }

  private static ModelBinding resolve(
      Map<String, InputBinding> inputs,
      List<TableColumn> schema,
      ModelSignature model,
      Map<String, String> metadata) {
    return ModelBindingResolver.resolve(spec(inputs), schema, model, metadata);
  }

  @Test
  void anArrayIntoADynamicFirstDimNeedsNoShapeAndIsPadded() {
    ModelBinding binding =
        resolve(
            inputs("input_ids", array("ids")),
            List.of(arrayOf("ids", INT64)),
            tokenModel(named("input_ids", INT64, List.of(N, N))),
            Map.of());

    TensorFeed feed = binding.feeds().get(0);
    assertThat(feed)
        .isEqualTo(
            TensorFeed.paddedArray("input_ids", INT64, List.of(), "ids", Padding.of("seq", 0)));
    assertThat(feed.rowShape()).containsExactly(-1L);
    assertThat(feed.isPadded()).isTrue();
    assertThat(feed.padding().limited()).isFalse();
    assertThat(feed.elementsPerPosition()).isEqualTo(1);
  }

  @Test
  void aSequenceOfFixedVectorsIsPaddedByPositionsUpToTheDeclaredMaxLength() {
    ModelBinding binding =
        resolve(
            inputs("frames", array("v")),
            List.of(arrayOf("v", FLOAT)),
            tokenModel(named("frames", FLOAT, List.of(N, N, 4L))),
            Map.of(TextEncoding.MAX_LENGTH_KEY, "32"));

    TensorFeed feed = binding.feeds().get(0);
    assertThat(feed.rowShape()).containsExactly(32L, 4L);
    assertThat(feed.padding()).isEqualTo(Padding.of("seq", 32));
    assertThat(feed.elementsPerPosition()).isEqualTo(4);
    assertThat(feed.elementsPerRow()).isEqualTo(128);
  }

  @Test
  void inputsSharingANamedDimArePaddedTogetherAndAMaskColumnIsOneOfThem() {
    ModelBinding binding =
        resolve(
            inputs("input_ids", array("ids"), "attention_mask", array("mask")),
            List.of(arrayOf("ids", INT64), arrayOf("mask", INT32)),
            tokenModel(
                named("input_ids", INT64, List.of(N, N)),
                named("attention_mask", INT64, List.of(N, N))),
            Map.of());

    assertThat(binding.feeds())
        .extracting(f -> f.padding().dimension())
        .containsExactly("seq", "seq");
    assertThat(binding.feeds()).noneMatch(f -> f.padding().isMask());
    assertThat(binding.featureColumns()).containsExactly("ids", "mask");
  }

  @Test
  void maskOfAnArrayInputMarksItsPositionsInTheSameDim() {
    ModelBinding binding =
        resolve(
            inputs(
                "input_ids",
                array("ids"),
                "attention_mask",
                new InputBinding.TokenMask("input_ids")),
            List.of(arrayOf("ids", INT64)),
            tokenModel(
                named("input_ids", INT64, List.of(N, N)),
                ValueSignature.tensor("attention_mask", INT32, List.of(N, N), List.of("b", "m"))),
            Map.of(TextEncoding.MAX_LENGTH_KEY, "64"));

    TensorFeed mask = binding.feeds().get(1);
    assertThat(mask)
        .isEqualTo(
            TensorFeed.paddedArray(
                "attention_mask", INT32, List.of(), "ids", new Padding("seq", 64, "input_ids")));
    assertThat(binding.featureColumns()).containsExactly("ids");
  }

  @Test
  void maskOfAFixedLengthArrayIsRejected() {
    assertThatThrownBy(
            () ->
                resolve(
                    inputs(
                        "input_ids",
                        array("ids"),
                        "attention_mask",
                        new InputBinding.TokenMask("input_ids")),
                    List.of(arrayOf("ids", INT64)),
                    tokenModel(
                        tensor("input_ids", INT64, N, 8L), tensor("attention_mask", INT64, N, N)),
                    Map.of()))
        .hasMessageContaining("model.inputs.attention_mask.mask-of")
        .hasMessageContaining("or to an array column of variable length");
  }

  @Test
  void aFixedLengthModelKeepsItsExactLength() {
    ModelBinding binding =
        resolve(
            inputs("input_ids", array("ids")),
            List.of(arrayOf("ids", INT64)),
            tokenModel(named("input_ids", INT64, List.of(N, 128L))),
            Map.of(TextEncoding.MAX_LENGTH_KEY, "128"));

    assertThat(binding.feeds().get(0))
        .isEqualTo(new TensorFeed("input_ids", INT64, List.of(128L), List.of("ids"), true));
  }

  @Test
  void anUnusableDeclaredMaxLengthIsAModelMismatch() {
    assertThatThrownBy(
            () ->
                resolve(
                    inputs("input_ids", array("ids")),
                    List.of(arrayOf("ids", INT64)),
                    tokenModel(named("input_ids", INT64, List.of(N, N))),
                    Map.of(TextEncoding.MAX_LENGTH_KEY, "lots")))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("model.inputs.input_ids")
        .hasMessageContaining("lakebatch.max-length must be a positive whole number, got 'lots'");
  }

  @Test
  void wrongColumnCountNamesTheInput() {
    assertFails(
        spec(inputs("features", columns("f0", "f1", "f2", "f3"))),
        floatColumns(4),
        model(tensor("features", FLOAT, N, 3L)),
        ErrorCategory.DATA,
        "model.inputs.features: 4 columns given but model input is float[N,3]");
  }

  @Test
  void columnListIntoAHigherRankInputIsAModelMismatch() {
    assertFails(
        spec(inputs("features", columns("f0", "f1", "f2"))),
        floatColumns(3),
        model(tensor("features", FLOAT, N, 3L, 1L)),
        ErrorCategory.DATA,
        "model.inputs.features: 3 columns given but model input is float[N,3,1]");
  }

  @Test
  void missingColumnListsTheSchema() {
    assertFails(
        spec(inputs("features", columns("f0", "f65"))),
        floatColumns(2),
        model(tensor("features", FLOAT, N, 2L)),
        ErrorCategory.USER,
        "model.inputs.features: column 'f65' not in input schema [id, f0, f1]");
  }

  @Test
  void missingArrayColumnListsTheSchema() {
    assertFails(
        spec(inputs("image", array("pixels"))),
        floatColumns(1),
        model(tensor("image", FLOAT, N, 4L)),
        ErrorCategory.USER,
        "model.inputs.image: column 'pixels' not in input schema [id, f0]");
  }

  @Test
  void doubleColumnIntoFloatInputIsNotExact() {
    assertFails(
        spec(inputs("features", columns("f0", "d"))),
        List.of(scalar("f0", FLOAT), scalar("d", DOUBLE)),
        model(tensor("features", FLOAT, N, 2L)),
        ErrorCategory.USER,
        "model.inputs.features: column 'd' is double but model input 'features' is float[N,2]; "
            + "double does not convert exactly to float");
  }

  @Test
  void floatColumnIntoDoubleInputIsFine() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0", "f1"))),
            floatColumns(2),
            model(tensor("features", DOUBLE, N, 2L)));

    assertThat(binding.feeds().get(0).tensorType()).isEqualTo(DOUBLE);
  }

  @Test
  void int32ColumnIntoInt64InputIsFine() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("ids", columns("a", "b"))),
            List.of(scalar("a", INT32), scalar("b", INT64)),
            model(tensor("ids", INT64, N, 2L)));

    assertThat(binding.feeds().get(0).tensorType()).isEqualTo(INT64);
  }

  @Test
  void int32ArrayColumnIntoInt64InputIsFine() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("ids", array("tokens"))),
            List.of(arrayOf("tokens", INT32)),
            model(tensor("ids", INT64, N, 5L)));

    assertThat(binding.feeds().get(0).tensorType()).isEqualTo(INT64);
  }

  @Test
  void int64ColumnIntoFloatInputIsNotExact() {
    assertFails(
        spec(inputs("features", columns("id"))),
        floatColumns(0),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.USER,
        "model.inputs.features: column 'id' is bigint but model input 'features' is float[N,1]; "
            + "int64 does not convert exactly to float");
  }

  @Test
  void doubleArrayIntoFloatInputIsNotExact() {
    assertFails(
        spec(inputs("features", array("vec"))),
        List.of(arrayOf("vec", DOUBLE)),
        model(tensor("features", FLOAT, N, 4L)),
        ErrorCategory.USER,
        "model.inputs.features: column 'vec' is array<double> but model input 'features' is float[N,4]");
  }

  @Test
  void stringColumnIsNotExact() {
    assertFails(
        spec(inputs("features", columns("s"))),
        List.of(scalar("s", STRING)),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.USER,
        "model.inputs.features: column 's' is string");
  }

  @Test
  void arrayColumnBoundAsListIsASpecError() {
    assertFails(
        spec(inputs("features", columns("vec"))),
        List.of(arrayOf("vec", FLOAT)),
        model(tensor("features", FLOAT, N, 4L)),
        ErrorCategory.USER,
        "model.inputs.features: column 'vec' is array<float>; use {column: vec} for an array column");
  }

  @Test
  void scalarColumnBoundAsArrayIsASpecError() {
    assertFails(
        spec(inputs("features", array("f0"))),
        floatColumns(1),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.USER,
        "model.inputs.features: column 'f0' is float, not an array; list scalar columns as [a, b, ...]");
  }

  @Test
  void unboundModelInputIsAModelMismatch() {
    ModelSignature twoInputs =
        new ModelSignature(
            List.of(tensor("features", FLOAT, N, 2L), tensor("mask", FLOAT, N, 3L)),
            List.of(SCORE));

    assertFails(
        spec(inputs("features", columns("f0", "f1"))),
        floatColumns(2),
        twoInputs,
        ErrorCategory.DATA,
        "model.inputs: model input 'mask' (float[N,3]) is not bound to any column");
  }

  @Test
  void specInputTheModelLacksIsAModelMismatch() {
    assertFails(
        spec(inputs("features", columns("f0"), "extra", columns("f1"))),
        floatColumns(2),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.DATA,
        "model.inputs.extra: the model has no input 'extra'; its inputs are [features]");
  }

  @Test
  void severalInputsFeedInModelOrder() {
    ModelSignature twoInputs =
        new ModelSignature(
            List.of(tensor("dense", FLOAT, N, 2L), tensor("ids", INT64, N, 3L)), List.of(SCORE));
    List<TableColumn> schema =
        List.of(scalar("a", FLOAT), scalar("b", FLOAT), arrayOf("tokens", INT64));

    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("ids", array("tokens"), "dense", columns("a", "b"))), schema, twoInputs);

    assertThat(binding.feeds()).extracting(TensorFeed::inputName).containsExactly("dense", "ids");
    assertThat(binding.featureColumns()).containsExactly("a", "b", "tokens");
  }

  @Test
  void fixedBatchDimensionIsAModelMismatch() {
    assertFails(
        spec(inputs("features", columns("f0", "f1", "f2"))),
        floatColumns(3),
        model(tensor("features", FLOAT, 1L, 3L)),
        ErrorCategory.DATA,
        "model.inputs.features: model input float[1,3] has a fixed batch dimension");
  }

  @Test
  void scalarModelInputIsAModelMismatch() {
    assertFails(
        spec(inputs("features", columns("f0"))),
        floatColumns(1),
        model(tensor("features", FLOAT)),
        ErrorCategory.DATA,
        "model.inputs.features: model input is a scalar; LakeBatch feeds batches [N, ...]");
  }

  @Test
  void nonNumericModelInputIsAModelMismatch() {
    assertFails(
        spec(inputs("text", columns("f0"))),
        floatColumns(1),
        model(tensor("text", STRING, N, 1L)),
        ErrorCategory.DATA,
        "model.inputs.text: model input is string[N,1]; only numeric tensors can be fed");
  }

  // ---------------------------------------------------------------------------------------------
  // Carry columns and outputs

  @Test
  void missingCarryColumnIsASpecError() {
    assertFails(
        spec(inputs("features", columns("f0")), Map.of(), List.of("f0", "order_id")),
        floatColumns(1),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.USER,
        "input.carry[1]: column 'order_id' not in input schema [id, f0]");
  }

  @Test
  void mappedOutputCollidingWithCarryIsASpecError() {
    assertFails(
        spec(inputs("features", columns("f0")), Map.of("score", "id"), List.of("id")),
        floatColumns(1),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.USER,
        "model.outputs.score: output column 'id' collides with carried column 'id'");
  }

  @Test
  void defaultOutputNameCollidingWithCarryIsASpecError() {
    List<TableColumn> schema = new ArrayList<>(floatColumns(1));
    schema.add(scalar("score", FLOAT));

    assertFails(
        spec(inputs("features", columns("f0")), Map.of(), List.of("score")),
        schema,
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.USER,
        "model.outputs.score: output column 'score' collides with carried column 'score'");
  }

  @Test
  void omittedOutputsMeanEveryOutputUnderItsOwnName() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0"))),
            floatColumns(1),
            model(
                tensor("features", FLOAT, N, 1L),
                tensor("label", INT64, N),
                seqOfMaps("probabilities", INT64, FLOAT)));

    assertThat(binding.outputs())
        .containsExactly(
            new OutputColumn("label", "label", OutputKind.SCALAR, INT64, ElementType.OTHER),
            new OutputColumn("probabilities", "probabilities", OutputKind.MAP, FLOAT, INT64));
  }

  @Test
  void outputsMappingRenamesAndFilters() {
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("probabilities", "probs");
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0")), outputs, List.of("id")),
            floatColumns(1),
            model(
                tensor("features", FLOAT, N, 1L),
                tensor("label", INT64, N),
                seqOfMaps("probabilities", STRING, FLOAT)));

    assertThat(binding.outputs())
        .containsExactly(new OutputColumn("probabilities", "probs", OutputKind.MAP, FLOAT, STRING));
  }

  @Test
  void outputsKeepModelOrderNotMappingOrder() {
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("b", "col_b");
    outputs.put("a", "col_a");
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0")), outputs, List.of()),
            floatColumns(1),
            model(tensor("features", FLOAT, N, 1L), tensor("a", FLOAT, N), tensor("b", FLOAT, N)));

    assertThat(binding.outputs())
        .extracting(OutputColumn::column)
        .containsExactly("col_a", "col_b");
  }

  @Test
  void mappingAnOutputTheModelLacksIsAModelMismatch() {
    assertFails(
        spec(inputs("features", columns("f0")), Map.of("scores", "s"), List.of()),
        floatColumns(1),
        model(tensor("features", FLOAT, N, 1L)),
        ErrorCategory.DATA,
        "model.outputs.scores: the model has no output 'scores'; its outputs are [score]");
  }

  private static OutputColumn onlyOutput(ValueSignature output) {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0"))),
            floatColumns(1),
            model(tensor("features", FLOAT, N, 1L), output));
    assertThat(binding.outputs()).hasSize(1);
    return binding.outputs().get(0);
  }

  @Test
  void outputOfShapeNIsAScalarColumn() {
    assertThat(onlyOutput(tensor("y", FLOAT, N)))
        .isEqualTo(new OutputColumn("y", "y", OutputKind.SCALAR, FLOAT, ElementType.OTHER));
  }

  @Test
  void outputOfShapeNby1IsAScalarColumn() {
    assertThat(onlyOutput(tensor("y", DOUBLE, N, 1L)).kind()).isEqualTo(OutputKind.SCALAR);
  }

  @Test
  void outputOfShapeNby3IsAnArrayColumn() {
    assertThat(onlyOutput(tensor("y", FLOAT, N, 3L)))
        .isEqualTo(new OutputColumn("y", "y", OutputKind.ARRAY, FLOAT, ElementType.OTHER));
  }

  @Test
  void outputWithDynamicInnerDimIsAnArrayColumn() {
    assertThat(onlyOutput(tensor("y", FLOAT, N, N)).kind()).isEqualTo(OutputKind.ARRAY);
  }

  @Test
  void sequenceOfMapsOutputIsAMapColumn() {
    assertThat(onlyOutput(seqOfMaps("probabilities", INT64, FLOAT)))
        .isEqualTo(
            new OutputColumn("probabilities", "probabilities", OutputKind.MAP, FLOAT, INT64));
  }

  @Test
  void outputWithUnsupportedElementTypeIsAModelMismatch() {
    assertFails(
        spec(inputs("features", columns("f0"))),
        floatColumns(1),
        model(tensor("features", FLOAT, N, 1L), tensor("y", ElementType.OTHER, N)),
        ErrorCategory.DATA,
        "model.outputs.y: output other[N] has an unsupported element type");
  }

  @Test
  void outputOfOtherKindIsAModelMismatch() {
    ValueSignature other =
        new ValueSignature(
            "opaque", ValueKind.OTHER, ElementType.OTHER, List.of(), ElementType.OTHER);

    assertFails(
        spec(inputs("features", columns("f0"))),
        floatColumns(1),
        model(tensor("features", FLOAT, N, 1L), SCORE, other),
        ErrorCategory.DATA,
        "model.outputs.opaque: output 'opaque' is neither a tensor nor a sequence of maps; leave it out of model.outputs");
  }

  @Test
  void outputOfOtherKindCanBeLeftOutViaTheMapping() {
    ValueSignature other =
        new ValueSignature(
            "opaque", ValueKind.OTHER, ElementType.OTHER, List.of(), ElementType.OTHER);

    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(inputs("features", columns("f0")), Map.of("score", "score"), List.of()),
            floatColumns(1),
            model(tensor("features", FLOAT, N, 1L), SCORE, other));

    assertThat(binding.outputs()).extracting(OutputColumn::outputName).containsExactly("score");
  }

  // ---------------------------------------------------------------------------------------------
  // Text inputs

  private static final Map<String, String> TOKENIZER =
      Map.of(
          TextEncoding.TOKENIZER_KEY,
          TextEncoding.HASHING,
          TextEncoding.VOCAB_SIZE_KEY,
          "8192",
          TextEncoding.MAX_LENGTH_KEY,
          "128");

  private static ModelSignature encoder() {
    return new ModelSignature(
        List.of(tensor("input_ids", INT64, N, N), tensor("attention_mask", INT64, N, N)),
        List.of(SCORE));
  }

  private static Map<String, InputBinding> textInputs(java.util.OptionalInt maxTokens) {
    return inputs(
        "input_ids",
        new InputBinding.TextColumn("review", maxTokens),
        "attention_mask",
        new InputBinding.TokenMask("input_ids"));
  }

  @Test
  void textColumnFeedsTokenIdsAndItsMaskWithTheModelsTokenizer() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(textInputs(java.util.OptionalInt.empty())),
            List.of(scalar("id", INT64), scalar("review", ElementType.STRING)),
            encoder(),
            TOKENIZER);

    TextEncoding ids = new TextEncoding(false, TextEncoding.HASHING, 8192, 128);
    assertThat(binding.feeds())
        .containsExactly(
            TensorFeed.text("input_ids", INT64, "review", ids),
            TensorFeed.text("attention_mask", INT64, "review", ids.asMask()));
    assertThat(binding.featureColumns()).containsExactly("review");
    assertThat(binding.feeds().get(0).elementsPerRow()).isEqualTo(128);
  }

  @Test
  void maxTokensShortensTheSequenceButNotBeyondTheModel() {
    ModelBinding binding =
        ModelBindingResolver.resolve(
            spec(textInputs(java.util.OptionalInt.of(64))),
            List.of(scalar("review", ElementType.STRING)),
            encoder(),
            TOKENIZER);
    assertThat(binding.feeds())
        .allSatisfy(feed -> assertThat(feed.text().maxTokens()).isEqualTo(64));

    assertThatThrownBy(
            () ->
                ModelBindingResolver.resolve(
                    spec(textInputs(java.util.OptionalInt.of(500))),
                    List.of(scalar("review", ElementType.STRING)),
                    encoder(),
                    TOKENIZER))
        .hasMessageContaining("model.inputs.input_ids.max-tokens")
        .hasMessageContaining("500 is more than the model takes (128)");
  }

  @Test
  void textInputWithoutADeclaredTokenizerSaysHowToFeedTokens() {
    assertThatThrownBy(
            () ->
                ModelBindingResolver.resolve(
                    spec(textInputs(java.util.OptionalInt.empty())),
                    List.of(scalar("review", ElementType.STRING)),
                    encoder(),
                    Map.of()))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("model.inputs.input_ids")
        .hasMessageContaining("declares no tokenizer")
        .hasMessageContaining("array<bigint> column of token ids");
  }

  @Test
  void textInputNeedsAStringColumnAndAnIntegerSequenceInput() {
    assertThatThrownBy(
            () ->
                ModelBindingResolver.resolve(
                    spec(textInputs(java.util.OptionalInt.empty())),
                    List.of(scalar("review", FLOAT)),
                    encoder(),
                    TOKENIZER))
        .hasMessageContaining("model.inputs.input_ids.text")
        .hasMessageContaining("needs a string column");
    ModelSignature floatInputs =
        new ModelSignature(
            List.of(tensor("input_ids", FLOAT, N, N), tensor("attention_mask", INT64, N, N)),
            List.of(SCORE));
    assertThatThrownBy(
            () ->
                ModelBindingResolver.resolve(
                    spec(textInputs(java.util.OptionalInt.empty())),
                    List.of(scalar("review", ElementType.STRING)),
                    floatInputs,
                    TOKENIZER))
        .hasMessageContaining("token ids and masks are int64 or int32");
  }

  @Test
  void maskOfAnInputThatIsNotTextIsRejected() {
    ModelSignature model =
        new ModelSignature(
            List.of(tensor("input_ids", INT64, N, 8L), tensor("attention_mask", INT64, N, N)),
            List.of(SCORE));
    assertThatThrownBy(
            () ->
                ModelBindingResolver.resolve(
                    spec(
                        inputs(
                            "input_ids",
                            array("ids"),
                            "attention_mask",
                            new InputBinding.TokenMask("input_ids"))),
                    List.of(arrayOf("ids", INT64)),
                    model,
                    TOKENIZER))
        .hasMessageContaining("model.inputs.attention_mask.mask-of")
        .hasMessageContaining("is not bound to a text column");
  }
}
