package io.lakebatch.api;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Function1;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of the {@code mapPartitions} a SQL call is rewritten into: the query's rows (as the
 * Dataset API's {@link Row}s) converted to Catalyst rows, scored in batches by {@link
 * ErrorColumnScoring}, and converted back.
 */
final class ScoreRowsFunction
    extends AbstractFunction1<scala.collection.Iterator<Row>, scala.collection.Iterator<Row>>
    implements Serializable {
  private final ErrorColumnScoring scoring;

  ScoreRowsFunction(ErrorColumnScoring scoring) {
    this.scoring = scoring;
  }

  @Override
  public scala.collection.Iterator<Row> apply(scala.collection.Iterator<Row> rows) {
    Function1<Object, Object> toCatalyst =
        CatalystTypeConverters$.MODULE$.createToCatalystConverter(scoring.config().inputSchema());
    Function1<Object, Object> toRow =
        CatalystTypeConverters$.MODULE$.createToScalaConverter(scoring.outputSchema());
    Iterator<InternalRow> input =
        mapped(
            JavaConverters.asJavaIteratorConverter(rows).asJava(),
            row -> (InternalRow) toCatalyst.apply(row));
    Iterator<Row> scored = mapped(scoring.scoreRows(input), row -> (Row) toRow.apply(row));
    return JavaConverters.asScalaIteratorConverter(scored).asScala();
  }

  private static <A, B> Iterator<B> mapped(Iterator<A> source, Function<A, B> map) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public B next() {
        return map.apply(source.next());
      }
    };
  }
}
