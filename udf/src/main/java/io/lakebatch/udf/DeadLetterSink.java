package io.lakebatch.udf;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Where {@link BatchInferenceFunction} puts a row it cannot score: a row of
 * {@link InferenceConfig#rejectedSchema()} (carried columns, raw values, reason).
 */
public interface DeadLetterSink extends Serializable {
  void add(InternalRow rejected);
}
