package io.lakebatch.api;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.MapPartitions$;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractPartialFunction;

/**
 * Rewrites a resolved {@code SELECT} list holding a {@code lakebatch_predict} placeholder into
 * {@code Project(list', MapPartitions(score, Project(columns + arguments, child)))}: the inner
 * projection evaluates the call's arguments beside the columns the list reads, the {@code
 * mapPartitions} scores them in batches and appends the outputs, and the outer list reads the
 * outputs where the call was, keeping every name and expression id the query above it uses. One
 * call per pass; the analyzer runs the rule again for the next.
 */
final class PredictRewrite extends Rule<LogicalPlan> {
  private final SparkSession spark;

  PredictRewrite(SparkSession spark) {
    this.spark = spark;
  }

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return plan.resolveOperatorsUp(
        new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
          @Override
          public boolean isDefinedAt(LogicalPlan node) {
            return node.childrenResolved() && placeholderIn(list(node.expressions())).isPresent();
          }

          @Override
          public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 node, Function1<A1, B1> otherwise) {
            if (!isDefinedAt(node)) {
              return otherwise.apply(node);
            }
            if (!(node instanceof Project project)) {
              throw LakeBatchErrors.sqlFunctionPlacement(SqlPredictCall.FUNCTION, node.nodeName());
            }
            if (!list(project.expressions()).stream().allMatch(Expression::resolved)) {
              return otherwise.apply(node);
            }
            @SuppressWarnings("unchecked")
            B1 rewritten = (B1) rewrite(project);
            return rewritten;
          }
        });
  }

  private LogicalPlan rewrite(Project project) {
    StaticInvoke call = placeholderIn(list(project.expressions())).orElseThrow();
    List<Expression> arguments = list(call.arguments());
    String label = arguments.get(0).eval(null).toString();
    String file = arguments.get(1).eval(null).toString();
    List<Expression> features = arguments.subList(2, arguments.size());

    // The columns the list reads, under names of our own (a join may repeat a name), then the
    // arguments.
    List<Attribute> carried = new ArrayList<>();
    for (Attribute attribute : list(project.child().output())) {
      if (project.references().contains(attribute)) {
        carried.add(attribute);
      }
    }
    List<NamedExpression> inner = new ArrayList<>();
    StructType carriedSchema = new StructType();
    for (int i = 0; i < carried.size(); i++) {
      String name = "column " + (i + 1);
      inner.add(alias(carried.get(i), name, NamedExpression$.MODULE$.newExprId()));
      carriedSchema = carriedSchema.add(name, carried.get(i).dataType(), carried.get(i).nullable());
    }
    for (int i = 0; i < features.size(); i++) {
      inner.add(
          alias(
              features.get(i),
              SqlPredictCall.argumentColumn(i + 1),
              NamedExpression$.MODULE$.newExprId()));
    }
    ScoringModel model =
        ScoringModel.load(
            file, Optional.empty(), SqlModelRegistry.HINT, DataFrameScorer.intraOpThreads(spark));
    SqlPredictCall resolved = SqlPredictCall.resolve(label, model, carriedSchema, features);
    ErrorColumnScoring scoring = resolved.scoring();
    LogicalPlan scored =
        MapPartitions$.MODULE$.apply(
            new ScoreRowsFunction(scoring),
            new Project(seq(inner), project.child()),
            Encoders.row(scoring.config().inputSchema()),
            Encoders.row(scoring.outputSchema()));

    List<Attribute> output = list(scored.output());
    Map<ExprId, Attribute> renamed = new HashMap<>();
    for (int i = 0; i < carried.size(); i++) {
      renamed.put(carried.get(i).exprId(), output.get(i));
    }
    StructType outputSchema = scoring.outputSchema();
    List<Attribute> outputs = new ArrayList<>();
    for (String column : resolved.outputColumns()) {
      outputs.add(output.get(outputSchema.fieldIndex(column)));
    }
    Expression result =
        outputs.size() == 1 ? outputs.get(0) : struct(resolved.outputNames(), outputs);

    AbstractPartialFunction<Expression, Expression> replace =
        new AbstractPartialFunction<>() {
          @Override
          public boolean isDefinedAt(Expression e) {
            return e.equals(call)
                || (e instanceof AttributeReference a && renamed.containsKey(a.exprId()));
          }

          @Override
          public <A1 extends Expression, B1> B1 applyOrElse(A1 e, Function1<A1, B1> otherwise) {
            if (!isDefinedAt(e)) {
              return otherwise.apply(e);
            }
            @SuppressWarnings("unchecked")
            B1 replaced =
                (B1) (e.equals(call) ? result : renamed.get(((AttributeReference) e).exprId()));
            return replaced;
          }
        };
    List<NamedExpression> outer = new ArrayList<>();
    for (NamedExpression named : list(project.projectList())) {
      Expression replaced = ((Expression) named).transformDown(replace);
      // A bare column keeps its id, so operators above still find it.
      outer.add(
          named instanceof Attribute attribute
              ? new Alias(
                  replaced,
                  attribute.name(),
                  attribute.exprId(),
                  attribute.qualifier(),
                  scala.Option.empty(),
                  seq(List.of()))
              : (NamedExpression) replaced);
    }
    return new Project(seq(outer), scored);
  }

  private static Expression struct(List<String> names, List<Attribute> values) {
    List<Expression> pairs = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      pairs.add(Literal.create(names.get(i), DataTypes.StringType));
      pairs.add(values.get(i));
    }
    return new CreateNamedStruct(seq(pairs));
  }

  private static Alias alias(Expression child, String name, ExprId id) {
    return new Alias(child, name, id, seq(List.of()), scala.Option.empty(), seq(List.of()));
  }

  private static Optional<StaticInvoke> placeholderIn(List<Expression> expressions) {
    for (Expression expression : expressions) {
      if (PredictFunctionBuilder.isPlaceholder(expression)) {
        return Optional.of((StaticInvoke) expression);
      }
      Optional<StaticInvoke> found = placeholderIn(list(expression.children()));
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static <T> List<T> list(Seq<T> seq) {
    return JavaConverters.seqAsJavaListConverter(seq).asJava();
  }

  private static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBufferConverter(new ArrayList<>(list)).asScala().toSeq();
  }
}
