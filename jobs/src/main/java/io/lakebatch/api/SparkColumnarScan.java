package io.lakebatch.api;

import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The columnar batches under a DataFrame that is a plain columnar scan (e.g. a Parquet or Delta
 * table read by the vectorized reader, columns selected but no filter or expression on rows): what
 * Spark itself would convert to rows, taken before that conversion. Plans a query, runs none.
 */
final class SparkColumnarScan {
  private SparkColumnarScan() {}

  static Optional<RDD<ColumnarBatch>> batches(Dataset<Row> frame) {
    SparkPlan plan = frame.queryExecution().executedPlan();
    if (plan instanceof WholeStageCodegenExec stage) {
      plan = stage.child();
    }
    if (!(plan instanceof ColumnarToRowExec toRows)) {
      return Optional.empty();
    }
    SparkPlan scan = toRows.child();
    if (scan instanceof InputAdapter adapter) {
      scan = adapter.child();
    }
    if (!scan.supportsColumnar() || !sameColumns(scan.schema(), frame.schema())) {
      return Optional.empty();
    }
    return Optional.of(scan.executeColumnar());
  }

  private static boolean sameColumns(StructType a, StructType b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      StructField x = a.fields()[i];
      StructField y = b.fields()[i];
      if (!x.name().equals(y.name()) || !x.dataType().equals(y.dataType())) {
        return false;
      }
    }
    return true;
  }
}
