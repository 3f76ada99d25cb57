package io.lakebatch.udf;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Emits the rows of a partition that cannot be scored, each with its carried columns, its raw
 * feature values, the reason, the run id and the chunk. Applies the same validation as
 * {@link BatchInferenceFunction}, so the two always agree on which rows are bad.
 */
public final class DeadLetterFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private final InferenceConfig config;
  private final String runId;
  private final int chunk;

  public DeadLetterFunction(InferenceConfig config, String runId, int chunk) {
    this.config = config;
    this.runId = runId;
    this.chunk = chunk;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    TensorBatch validator = new TensorBatch(config.binding().feeds(), config.inputSchema(), 1);
    int[] carry = config.carryOrdinals();
    StructField[] fields = config.inputSchema().fields();
    List<Integer> features = config.binding().featureColumns().stream().map(config.inputSchema()::fieldIndex).toList();
    List<InternalRow> bad = new ArrayList<>();
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      String reason = validator.write(row, 0);
      if (reason == null) {
        continue;
      }
      Object[] values = new Object[carry.length + 4];
      for (int i = 0; i < carry.length; i++) {
        DataType type = fields[carry[i]].dataType();
        values[i] = row.isNullAt(carry[i]) ? null : InternalRow.copyValue(row.get(carry[i], type));
      }
      StringBuilder raw = new StringBuilder();
      for (int ordinal : features) {
        if (raw.length() > 0) {
          raw.append(", ");
        }
        raw.append(fields[ordinal].name()).append('=');
        raw.append(row.isNullAt(ordinal) ? "null" : String.valueOf(row.get(ordinal, fields[ordinal].dataType())));
      }
      values[carry.length] = UTF8String.fromString(raw.toString());
      values[carry.length + 1] = UTF8String.fromString(reason);
      values[carry.length + 2] = UTF8String.fromString(runId);
      values[carry.length + 3] = chunk;
      bad.add(new GenericInternalRow(values));
    }
    return bad.iterator();
  }
}
