package io.lakebatch.udf;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.model.ModelBinding;
import io.lakebatch.catalog.model.OutputColumn;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Everything a task needs to score rows, serializable into the task closure.
 *
 * @param inputSchema schema of the rows the task receives (carried and feature columns)
 * @param carry columns copied unchanged to the output, in order
 */
public record InferenceConfig(
    ModelHandle model,
    ModelBinding binding,
    StructType inputSchema,
    List<String> carry,
    int batchSize)
    implements Serializable {
  public InferenceConfig {
    requireNonNull(model, "model is null");
    requireNonNull(binding, "binding is null");
    requireNonNull(inputSchema, "inputSchema is null");
    carry = List.copyOf(carry);
    if (batchSize <= 0) {
      throw new IllegalArgumentException("Invalid batch size (negative or 0): " + batchSize);
    }
  }

  public InferenceConfig withBatchSize(int rows) {
    return new InferenceConfig(model, binding, inputSchema, carry, rows);
  }

  /** Carried columns followed by one column per model output. */
  public StructType outputSchema() {
    StructType schema = carrySchema();
    for (OutputColumn output : binding.outputs()) {
      schema = schema.add(output.column(), SparkTypeMapping.dataType(output), false);
    }
    return schema;
  }

  /** Column holding why a row could not be scored; null for scored rows. */
  public static final String REASON = "reason";

  /** Column holding the raw feature values of a row that could not be scored. */
  public static final String RAW_VALUES = "raw_values";

  /**
   * What {@link BatchInferenceFunction} rejects: carried columns, {@link #RAW_VALUES}, {@link
   * #REASON}.
   */
  public StructType rejectedSchema() {
    return carrySchema()
        .add(RAW_VALUES, DataTypes.StringType, false)
        .add(REASON, DataTypes.StringType, false);
  }

  /** Carried columns, then the raw feature values, the reason, the run and the chunk. */
  public StructType deadLetterSchema() {
    return rejectedSchema()
        .add("run_id", DataTypes.StringType, false)
        .add("chunk", DataTypes.IntegerType, false);
  }

  private StructType carrySchema() {
    StructType schema = new StructType();
    for (String column : carry) {
      StructField field = inputSchema.fields()[inputSchema.fieldIndex(column)];
      schema = schema.add(field);
    }
    return schema;
  }

  int[] carryOrdinals() {
    return carry.stream().mapToInt(inputSchema::fieldIndex).toArray();
  }
}
