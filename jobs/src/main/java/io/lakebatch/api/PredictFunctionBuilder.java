package io.lakebatch.api;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;

/**
 * Resolves {@code lakebatch_predict(model, args...)} when the analyzer meets it: loads the model (a
 * reference through {@link SqlModelRegistry}), checks the arguments against its signature — a wrong
 * number or type of columns fails here, naming the call — and returns a placeholder of the result
 * type, which {@link PredictRewrite} replaces by batched scoring.
 *
 * <p>The placeholder is a {@link StaticInvoke} of {@link #notRewritten} with arguments {@code
 * [model as written, resolved model file, args...]}; it is never evaluated.
 */
final class PredictFunctionBuilder extends AbstractFunction1<Seq<Expression>, Expression> {
  @Override
  public Expression apply(Seq<Expression> given) {
    List<Expression> arguments = JavaConverters.seqAsJavaListConverter(given).asJava();
    if (arguments.isEmpty()
        || !arguments.get(0).foldable()
        || arguments.get(0).dataType() != DataTypes.StringType) {
      throw LakeBatchErrors.usage(
          SqlPredictCall.FUNCTION
              + ": the first argument must be the model as a string"
              + " literal: a path or name@version, e.g. "
              + SqlPredictCall.FUNCTION
              + "('models/eta.onnx', f0, f1)");
    }
    Object value = arguments.get(0).eval(null);
    if (value == null) {
      throw LakeBatchErrors.usage(
          SqlPredictCall.FUNCTION + ": the model is NULL; give a path or name@version");
    }
    String model = value.toString();
    SparkSession spark = SparkSession.active();
    ScoringModel loaded =
        ScoringModel.load(
            model,
            SqlModelRegistry.of(spark),
            SqlModelRegistry.HINT,
            DataFrameScorer.intraOpThreads(spark));
    List<Expression> features = arguments.subList(1, arguments.size());
    SqlPredictCall call = SqlPredictCall.resolve(model, loaded, new StructType(), features);
    List<Expression> marker = new ArrayList<>();
    marker.add(Literal.create(model, DataTypes.StringType));
    marker.add(Literal.create(loaded.handle().uri(), DataTypes.StringType));
    marker.addAll(features);
    return placeholder(call, marker);
  }

  private static Expression placeholder(SqlPredictCall call, List<Expression> arguments) {
    return new StaticInvoke(
        PredictFunctionBuilder.class,
        call.resultType(),
        "notRewritten",
        JavaConverters.asScalaBufferConverter(arguments).asScala().toSeq(),
        JavaConverters.asScalaBufferConverter(
                List.<org.apache.spark.sql.types.AbstractDataType>of())
            .asScala()
            .toSeq(),
        false,
        true,
        true);
  }

  /** Whether {@code expression} is a placeholder of this function. */
  static boolean isPlaceholder(Expression expression) {
    return expression instanceof StaticInvoke invoke
        && invoke.staticObject() == PredictFunctionBuilder.class;
  }

  /**
   * The placeholder's target: never called, since the rewrite replaces every placeholder in a
   * SELECT list.
   */
  public static Object notRewritten() {
    throw new IllegalStateException(
        SqlPredictCall.FUNCTION + " was not rewritten into batched scoring");
  }
}
