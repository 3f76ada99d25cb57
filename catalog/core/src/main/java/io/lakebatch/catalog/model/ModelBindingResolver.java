package io.lakebatch.catalog.model;

import static io.lakebatch.catalog.error.LakeBatchErrors.invalidSpec;
import static io.lakebatch.catalog.error.LakeBatchErrors.modelMismatch;

import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a spec against the input schema and the model signature and resolves how tensors are fed
 * and read. Runs on the driver before any Spark job; each problem gets one error naming the field.
 */
public final class ModelBindingResolver {
  private ModelBindingResolver() {}

  public static ModelBinding resolve(JobSpec spec, List<TableColumn> schema, ModelSignature model) {
    return resolve(spec, schema, model, Map.of());
  }

  /**
   * @param modelMetadata the model's custom metadata; a text input needs the tokenizer declared
   *     there (see {@link TextEncoding#fromMetadata}), and a variable-length array input takes its
   *     maximum length from {@value TextEncoding#MAX_LENGTH_KEY} (no limit without it)
   */
  public static ModelBinding resolve(
      JobSpec spec,
      List<TableColumn> schema,
      ModelSignature model,
      Map<String, String> modelMetadata) {
    return resolve(spec.model(), spec.input().carry(), schema, model, modelMetadata);
  }

  /**
   * The same checks for a model applied outside a job (a DataFrame transformation, a SQL function):
   * {@code carry} are the columns kept beside the outputs; errors name the same {@code model.*}
   * fields.
   */
  public static ModelBinding resolve(
      ModelSpec spec,
      List<String> carry,
      List<TableColumn> schema,
      ModelSignature model,
      Map<String, String> modelMetadata) {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    schema.forEach(c -> columns.put(c.name(), c.type()));

    for (int i = 0; i < carry.size(); i++) {
      if (!columns.containsKey(carry.get(i))) {
        throw invalidSpec(
            "input.carry[" + i + "]",
            "column '" + carry.get(i) + "' not in input schema " + columns.keySet());
      }
    }
    for (String bound : spec.inputs().keySet()) {
      if (model.input(bound).isEmpty()) {
        throw modelMismatch(
            "model.inputs." + bound,
            "the model has no input '" + bound + "'; its inputs are " + model.inputNames());
      }
    }
    List<TensorFeed> feeds = new ArrayList<>();
    for (ValueSignature input : model.inputs()) {
      InputBinding binding = spec.inputs().get(input.name());
      if (binding == null) {
        throw modelMismatch(
            "model.inputs",
            "model input '"
                + input.name()
                + "' ("
                + input.describe()
                + ") is not bound to any column");
      }
      feeds.add(feed("model.inputs." + input.name(), input, binding, columns, modelMetadata));
    }
    for (int i = 0; i < feeds.size(); i++) {
      InputBinding binding = spec.inputs().get(feeds.get(i).inputName());
      if (binding instanceof InputBinding.TokenMask mask) {
        feeds.set(
            i, maskFeed("model.inputs." + feeds.get(i).inputName(), feeds.get(i), mask, feeds));
      }
    }
    return new ModelBinding(feeds, outputs(spec, model, Set.copyOf(carry)));
  }

  private static TensorFeed feed(
      String field,
      ValueSignature input,
      InputBinding binding,
      Map<String, ColumnType> columns,
      Map<String, String> modelMetadata) {
    if (input.kind() != ValueKind.TENSOR || !input.element().isNumeric()) {
      throw modelMismatch(
          field, "model input is " + input.describe() + "; only numeric tensors can be fed");
    }
    if (input.dims().isEmpty()) {
      throw modelMismatch(field, "model input is a scalar; LakeBatch feeds batches [N, ...]");
    }
    if (input.dims().get(0) > 0) {
      throw modelMismatch(
          field,
          "model input "
              + input.describe()
              + " has a fixed batch dimension; export it with a dynamic first dimension");
    }
    List<Long> modelRowShape = input.dims().subList(1, input.dims().size());
    for (String column : binding.columns()) {
      if (!columns.containsKey(column)) {
        throw invalidSpec(field, "column '" + column + "' not in input schema " + columns.keySet());
      }
    }
    if (binding instanceof InputBinding.ColumnList list) {
      return columnListFeed(field, input, list, columns, modelRowShape);
    }
    if (binding instanceof InputBinding.TextColumn text) {
      return textFeed(field, input, text, columns, modelRowShape, modelMetadata);
    }
    if (binding instanceof InputBinding.TokenMask) {
      checkTokenInput(field, input, modelRowShape);
      // Resolved once every input is: it takes its text column and tokenizer from its ids input.
      return new TensorFeed(input.name(), input.element(), modelRowShape, List.of(), false);
    }
    return arrayFeed(
        field, input, (InputBinding.ArrayColumn) binding, columns, modelRowShape, modelMetadata);
  }

  private static TensorFeed columnListFeed(
      String field,
      ValueSignature input,
      InputBinding.ColumnList list,
      Map<String, ColumnType> columns,
      List<Long> modelRowShape) {
    for (String column : list.columns()) {
      ColumnType type = columns.get(column);
      if (type.array()) {
        throw invalidSpec(
            field,
            "column '"
                + column
                + "' is "
                + type
                + "; use {column: "
                + column
                + "} for an array column");
      }
      checkConvertible(field, column, type, input);
    }
    long k = list.columns().size();
    if (modelRowShape.size() != 1 || (modelRowShape.get(0) > 0 && modelRowShape.get(0) != k)) {
      throw modelMismatch(
          field, list.columns().size() + " columns given but model input is " + input.describe());
    }
    return new TensorFeed(input.name(), input.element(), List.of(k), list.columns(), false);
  }

  private static TensorFeed arrayFeed(
      String field,
      ValueSignature input,
      InputBinding.ArrayColumn array,
      Map<String, ColumnType> columns,
      List<Long> modelRowShape,
      Map<String, String> modelMetadata) {
    ColumnType type = columns.get(array.column());
    if (!type.array()) {
      throw invalidSpec(
          field,
          "column '"
              + array.column()
              + "' is "
              + type
              + ", not an array; list scalar columns as [a, b, ...]");
    }
    checkConvertible(field, array.column(), type, input);
    List<Long> shape = array.shape();
    if (shape.isEmpty()) {
      long dynamic = modelRowShape.stream().filter(d -> d <= 0).count();
      if (dynamic == 1 && modelRowShape.get(0) <= 0) {
        // [N, S, d...]: rows of any whole number of positions, each batch padded to its longest
        return TensorFeed.paddedArray(
            input.name(),
            input.element(),
            modelRowShape.subList(1, modelRowShape.size()),
            array.column(),
            Padding.of(input.dimName(1), declaredMaxLength(field, modelMetadata)));
      }
      if (dynamic > 0) {
        throw modelMismatch(
            field + ".shape",
            "model input is "
                + input.describe()
                + (dynamic > 1
                    ? " with " + dynamic + " dynamic dimensions after the batch dimension"
                    : " with a dynamic dimension that is not the first after the batch dimension")
                + "; give "
                + field
                + ".shape (without one, only a single dynamic dimension, the first after the"
                + " batch dimension, is padded per batch)");
      }
      shape = modelRowShape;
    } else {
      boolean fits = shape.size() == modelRowShape.size();
      for (int i = 0; fits && i < shape.size(); i++) {
        fits = modelRowShape.get(i) <= 0 || modelRowShape.get(i).equals(shape.get(i));
      }
      if (!fits) {
        throw modelMismatch(
            field + ".shape", "shape " + shape + " does not fit model input " + input.describe());
      }
    }
    return new TensorFeed(input.name(), input.element(), shape, List.of(array.column()), true);
  }

  private static TensorFeed textFeed(
      String field,
      ValueSignature input,
      InputBinding.TextColumn text,
      Map<String, ColumnType> columns,
      List<Long> modelRowShape,
      Map<String, String> modelMetadata) {
    ColumnType type = columns.get(text.column());
    if (type.array() || type.element() != ElementType.STRING) {
      throw invalidSpec(
          field + ".text",
          "column '"
              + text.column()
              + "' is "
              + type
              + "; a text input needs a string column"
              + " (bind an array<bigint> column of token ids as {column: NAME} instead)");
    }
    checkTokenInput(field, input, modelRowShape);
    TextEncoding encoding;
    try {
      encoding =
          TextEncoding.fromMetadata(modelMetadata)
              .orElseThrow(
                  () ->
                      modelMismatch(
                          field,
                          "the model declares no tokenizer in its metadata ("
                              + TextEncoding.TOKENIZER_KEY
                              + ", "
                              + TextEncoding.VOCAB_SIZE_KEY
                              + ", "
                              + TextEncoding.MAX_LENGTH_KEY
                              + "); tokenize upstream and bind an"
                              + " array<bigint> column of token ids as {column: NAME}"));
    } catch (IllegalArgumentException e) {
      throw modelMismatch(field, e.getMessage());
    }
    int maxTokens = encoding.maxTokens();
    long fixed = modelRowShape.get(0);
    if (fixed > 0) {
      maxTokens = (int) fixed;
    }
    if (text.maxTokens().isPresent()) {
      if (text.maxTokens().getAsInt() > maxTokens) {
        throw invalidSpec(
            field + ".max-tokens",
            text.maxTokens().getAsInt() + " is more than the model takes (" + maxTokens + ")");
      }
      maxTokens = text.maxTokens().getAsInt();
    }
    if (fixed > 0 && maxTokens != fixed) {
      throw invalidSpec(
          field + ".max-tokens",
          "model input " + input.describe() + " has a fixed length " + fixed);
    }
    return TensorFeed.text(
        input.name(),
        input.element(),
        text.column(),
        encoding.withMaxTokens(maxTokens),
        input.dimName(1));
  }

  /** The model's {@value TextEncoding#MAX_LENGTH_KEY}, or 0 (no limit) when it declares none. */
  private static int declaredMaxLength(String field, Map<String, String> modelMetadata) {
    String value = modelMetadata.get(TextEncoding.MAX_LENGTH_KEY);
    if (value == null) {
      return 0;
    }
    try {
      int maxLength = Integer.parseInt(value.strip());
      if (maxLength > 0) {
        return maxLength;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw modelMismatch(
        field,
        "model metadata "
            + TextEncoding.MAX_LENGTH_KEY
            + " must be a positive whole number, got '"
            + value
            + "'");
  }

  private static TensorFeed maskFeed(
      String field, TensorFeed placeholder, InputBinding.TokenMask mask, List<TensorFeed> feeds) {
    TensorFeed ids =
        feeds.stream()
            .filter(f -> f.inputName().equals(mask.idsInput()))
            .findFirst()
            .orElseThrow(
                () ->
                    invalidSpec(
                        field + ".mask-of",
                        "'" + mask.idsInput() + "' is not a model input bound here"));
    if (!ids.isPadded() || ids.padding().isMask() || (ids.isText() && ids.text().mask())) {
      throw invalidSpec(
          field + ".mask-of",
          "model input '"
              + mask.idsInput()
              + "' is not bound to a text column"
              + " ({text: COLUMN}) or to an array column of variable length"
              + " ({column: NAME} into a model input whose first dimension after the batch is"
              + " dynamic)");
    }
    if (ids.isText()) {
      return TensorFeed.text(
          placeholder.inputName(),
          placeholder.tensorType(),
          ids.columns().get(0),
          ids.text().asMask(),
          ids.padding().dimension());
    }
    if (placeholder.rowShape().get(0) > 0) {
      throw modelMismatch(
          field,
          "model input '"
              + placeholder.inputName()
              + "' has a fixed length "
              + placeholder.rowShape().get(0)
              + " but '"
              + mask.idsInput()
              + "' varies per row; export the mask with a dynamic sequence dimension");
    }
    return TensorFeed.paddedArray(
        placeholder.inputName(),
        placeholder.tensorType(),
        List.of(),
        ids.columns().get(0),
        ids.padding().asMaskOf(ids.inputName()));
  }

  private static void checkTokenInput(
      String field, ValueSignature input, List<Long> modelRowShape) {
    if (input.element() != ElementType.INT64 && input.element() != ElementType.INT32) {
      throw modelMismatch(
          field, "model input is " + input.describe() + "; token ids and masks are int64 or int32");
    }
    if (modelRowShape.size() != 1) {
      throw modelMismatch(
          field, "model input is " + input.describe() + "; token ids and masks are [N, S]");
    }
  }

  private static void checkConvertible(
      String field, String column, ColumnType type, ValueSignature input) {
    if (!type.element().convertsExactlyTo(input.element())) {
      throw invalidSpec(
          field,
          "column '"
              + column
              + "' is "
              + type
              + " but model input '"
              + input.name()
              + "' is "
              + input.describe()
              + "; "
              + type.element().displayName()
              + " does not convert exactly to "
              + input.element().displayName()
              + " (cast the column upstream or export the model with "
              + type.element().displayName()
              + " inputs)");
    }
  }

  private static List<OutputColumn> outputs(
      ModelSpec spec, ModelSignature model, Set<String> carry) {
    Map<String, String> requested = spec.outputs();
    for (String name : requested.keySet()) {
      if (model.outputs().stream().noneMatch(o -> o.name().equals(name))) {
        throw modelMismatch(
            "model.outputs." + name,
            "the model has no output '" + name + "'; its outputs are " + model.outputNames());
      }
    }
    List<OutputColumn> result = new ArrayList<>();
    for (ValueSignature output : model.outputs()) {
      if (!requested.isEmpty() && !requested.containsKey(output.name())) {
        continue;
      }
      String column = requested.getOrDefault(output.name(), output.name());
      String field = "model.outputs." + output.name();
      if (carry.contains(column)) {
        throw invalidSpec(
            field, "output column '" + column + "' collides with carried column '" + column + "'");
      }
      result.add(outputColumn(field, output, column));
    }
    return result;
  }

  private static OutputColumn outputColumn(String field, ValueSignature output, String column) {
    switch (output.kind()) {
      case SEQUENCE_OF_MAPS -> {
        return new OutputColumn(
            output.name(), column, OutputKind.MAP, output.element(), output.mapKey());
      }
      case TENSOR -> {
        if (output.element() == ElementType.OTHER) {
          throw modelMismatch(
              field, "output " + output.describe() + " has an unsupported element type");
        }
        List<Long> dims = output.dims();
        boolean scalar = dims.size() <= 1 || (dims.size() == 2 && dims.get(1) == 1);
        return new OutputColumn(
            output.name(),
            column,
            scalar ? OutputKind.SCALAR : OutputKind.ARRAY,
            output.element(),
            ElementType.OTHER);
      }
      default ->
          throw modelMismatch(
              field,
              "output '"
                  + output.name()
                  + "' is neither a tensor nor a sequence of maps;"
                  + " leave it out of model.outputs");
    }
  }
}
