package io.lakebatch.api;

import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.Dependency;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

/**
 * An RDD whose lineage is built only when Spark first asks for its partitions (when an action is
 * planned into stages), so that planning the input query — which for a Delta table runs a Spark job
 * listing its files — waits for an action, as a DataFrame transformation should. It then is its
 * parent, partition for partition.
 */
final class DeferredRdd extends RDD<InternalRow> {
  private final transient Supplier<RDD<InternalRow>> build;
  private RDD<InternalRow>
      parent; // serialized with the task once built, as MapPartitionsRDD's prev is

  @SuppressWarnings({"unchecked", "rawtypes"})
  DeferredRdd(SparkContext context, Supplier<RDD<InternalRow>> build) {
    super(
        context,
        (scala.collection.Seq) scala.collection.immutable.Nil$.MODULE$,
        ClassTag$.MODULE$.apply(InternalRow.class));
    this.build = build;
  }

  private synchronized RDD<InternalRow> parent() {
    if (parent == null) {
      parent = build.get();
    }
    return parent;
  }

  @Override
  public scala.collection.Iterator<InternalRow> compute(Partition split, TaskContext context) {
    return parent().iterator(split, context);
  }

  @Override
  public Partition[] getPartitions() {
    return parent().partitions();
  }

  @Override
  public scala.collection.Seq<Dependency<?>> getDependencies() {
    List<Dependency<?>> dependencies = List.of(new OneToOneDependency<>(parent()));
    return JavaConverters.asScalaBufferConverter(dependencies).asScala().toSeq();
  }

  @Override
  public scala.collection.Seq<String> getPreferredLocations(Partition split) {
    return parent().preferredLocations(split);
  }
}
