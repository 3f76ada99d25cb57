package io.lakebatch.api;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ValueSignature;
import io.lakebatch.catalog.spec.InputBinding;
import io.lakebatch.catalog.spec.SpecDefaults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One {@code lakebatch_predict(model, arg1, arg2, ...)} call: how its arguments feed the model and
 * what it returns. Arguments are columns named {@code argument 1}, {@code argument 2}, ... beside
 * the query's own; a model with one input takes them all as a list of numeric columns (or one array
 * column), a model with several inputs takes one argument per input, in the model's input order
 * (array → array column, string → text, otherwise a one-column list); scored rows hold the query's
 * columns and the outputs, not the arguments. The result is the output (scalar or array) for a
 * one-output model, else a struct of the outputs by name.
 *
 * @param label the model as the query names it, for messages
 * @param outputNames model outputs in order
 * @param outputColumns the column each output is scored into (private names, so they cannot clash)
 */
record SqlPredictCall(
    String label,
    ErrorColumnScoring scoring,
    List<String> outputNames,
    List<String> outputColumns,
    DataType resultType) {
  static final String FUNCTION = "lakebatch_predict";

  /** The column an argument (1-based) is projected to. */
  static String argumentColumn(int position) {
    return "argument " + position;
  }

  /**
   * @param carried the query's columns kept beside the arguments
   * @param arguments the feature arguments (without the model)
   */
  static SqlPredictCall resolve(
      String label, ScoringModel model, StructType carried, List<Expression> arguments) {
    if (arguments.isEmpty()) {
      throw LakeBatchErrors.usage(
          FUNCTION
              + "('"
              + label
              + "'): give the feature columns after the model, e.g. "
              + FUNCTION
              + "('"
              + label
              + "', f0, f1, f2)");
    }
    StructType schema = carried;
    for (int i = 0; i < arguments.size(); i++) {
      String column = argumentColumn(i + 1);
      if (List.of(carried.fieldNames()).contains(column)) {
        throw LakeBatchErrors.usage(
            FUNCTION + "('" + label + "'): the query already has a column '" + column + "'");
      }
      schema = schema.add(column, arguments.get(i).dataType(), arguments.get(i).nullable());
    }
    Map<String, InputBinding> inputs =
        bindings(label, model, schema, carried.length(), arguments.size());
    Map<String, String> outputs = new LinkedHashMap<>();
    List<String> outputNames = new ArrayList<>();
    List<String> outputColumns = new ArrayList<>();
    for (ValueSignature output : model.signature().outputs()) {
      String column = "_lakebatch_output_" + outputNames.size();
      outputs.put(output.name(), column);
      outputNames.add(output.name());
      outputColumns.add(column);
    }
    ErrorColumnScoring scoring;
    try {
      // Only the query's columns come back: the arguments are read by the model and dropped.
      scoring =
          DataFrameScorer.scoring(
              model,
              schema,
              List.of(carried.fieldNames()),
              inputs,
              outputs,
              SpecDefaults.BATCH_SIZE);
    } catch (LakeBatchException e) {
      throw LakeBatchErrors.inSqlCall(
          FUNCTION + "('" + label + "', " + arguments.size() + " argument(s))", e);
    }
    StructType scored = scoring.outputSchema();
    DataType result;
    if (outputColumns.size() == 1) {
      result = scored.apply(outputColumns.get(0)).dataType();
    } else {
      StructType struct = new StructType();
      for (int i = 0; i < outputColumns.size(); i++) {
        struct =
            struct.add(outputNames.get(i), scored.apply(outputColumns.get(i)).dataType(), true);
      }
      result = struct;
    }
    return new SqlPredictCall(
        label, scoring, List.copyOf(outputNames), List.copyOf(outputColumns), result);
  }

  private static Map<String, InputBinding> bindings(
      String label, ScoringModel model, StructType schema, int first, int count) {
    List<ValueSignature> modelInputs = model.signature().inputs();
    Map<String, InputBinding> inputs = new LinkedHashMap<>();
    StructField[] fields = schema.fields();
    if (modelInputs.size() == 1) {
      List<String> columns = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        columns.add(fields[first + i].name());
      }
      InputBinding binding =
          count == 1 && fields[first].dataType() instanceof ArrayType
              ? new InputBinding.ArrayColumn(columns.get(0), List.of())
              : count == 1 && fields[first].dataType() == DataTypes.StringType
                  ? new InputBinding.TextColumn(columns.get(0), OptionalInt.empty())
                  : new InputBinding.ColumnList(columns);
      inputs.put(modelInputs.get(0).name(), binding);
      return inputs;
    }
    if (count != modelInputs.size()) {
      throw LakeBatchErrors.modelMismatch(
          FUNCTION,
          FUNCTION
              + "('"
              + label
              + "') got "
              + count
              + " feature argument(s), but the model has "
              + modelInputs.size()
              + " inputs "
              + describe(modelInputs)
              + ": give one argument per input, in this order");
    }
    for (int i = 0; i < count; i++) {
      StructField field = fields[first + i];
      InputBinding binding =
          field.dataType() instanceof ArrayType
              ? new InputBinding.ArrayColumn(field.name(), List.of())
              : field.dataType() == DataTypes.StringType
                  ? new InputBinding.TextColumn(field.name(), OptionalInt.empty())
                  : new InputBinding.ColumnList(List.of(field.name()));
      inputs.put(modelInputs.get(i).name(), binding);
    }
    return inputs;
  }

  private static String describe(List<ValueSignature> inputs) {
    return inputs.stream().map(i -> i.name() + " " + i.describe()).toList().toString();
  }
}
