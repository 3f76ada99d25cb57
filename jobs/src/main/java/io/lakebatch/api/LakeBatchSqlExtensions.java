package io.lakebatch.api;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Registers the SQL function {@code lakebatch_predict(model, col1, col2, ...)}; enable it with
 * {@code spark.sql.extensions=io.lakebatch.api.LakeBatchSqlExtensions} (comma-separated beside
 * Delta's {@code io.delta.sql.DeltaSparkSessionExtension}).
 *
 * <pre>{@code
 * SELECT id, lakebatch_predict('models/eta.onnx', f0, f1, f2) AS eta FROM orders
 * SELECT id, lakebatch_predict('eta@3', f0, f1, f2).score FROM orders   -- several outputs: a struct
 * }</pre>
 *
 * <p>{@code model} is a file path or URI, or a registry reference {@code name@version|latest},
 * resolved in the catalog database that {@value SqlModelRegistry#URL_CONF} (with {@value
 * SqlModelRegistry#USER_CONF} and {@value SqlModelRegistry#PASSWORD_CONF}) names; without that key
 * only paths are accepted. A SQL function cannot reach the driver's own {@code Catalog} object, so
 * the catalog is named in the session's conf, as a JDBC URL like the CLI's {@code
 * LAKEBATCH_CATALOG_URL}.
 *
 * <p>Scoring is batched, not per row: the analyzer rewrites each {@code SELECT} list holding the
 * function into a {@code mapPartitions} over the query's rows that runs the job's batched inference
 * ({@code execution.batch-size} rows per model call) and appends the outputs, which the {@code
 * SELECT} list then reads. A row that cannot be scored (null, NaN, wrong array length) gives NULL;
 * {@link DataFrameScorer} says why. The function is allowed in {@code SELECT} lists only.
 */
public final class LakeBatchSqlExtensions
    extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    ExpressionInfo info =
        new ExpressionInfo(
            LakeBatchSqlExtensions.class.getName(),
            null,
            SqlPredictCall.FUNCTION,
            "_FUNC_(model, col1, col2, ...) - scores the columns with an ONNX model (path or name@version), in batches",
            "");
    extensions.injectFunction(
        new Tuple3<>(
            FunctionIdentifier.apply(SqlPredictCall.FUNCTION), info, new PredictFunctionBuilder()));
    extensions.injectResolutionRule(
        new AbstractFunction1<SparkSession, Rule<LogicalPlan>>() {
          @Override
          public Rule<LogicalPlan> apply(SparkSession spark) {
            return new PredictRewrite(spark);
          }
        });
    return BoxedUnit.UNIT;
  }
}
