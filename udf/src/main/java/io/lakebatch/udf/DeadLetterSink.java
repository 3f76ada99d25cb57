package io.lakebatch.udf;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Where {@link BatchInferenceFunction} puts a row it cannot score: a row of {@link
 * InferenceConfig#rejectedSchema()} (carried columns, raw values, reason).
 */
public interface DeadLetterSink extends Serializable {
  void add(InternalRow rejected);

  /**
   * Called when the task's rows are all read (possibly more than once); a sink writing a file
   * finishes it.
   */
  default void finish() {}
}
