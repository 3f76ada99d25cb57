package io.lakebatch.jobs;

import java.util.List;
import java.util.Map;
import scala.collection.JavaConverters;

/** The few conversions Java code needs to call Spark's and Delta's Scala APIs. */
final class ScalaInterop {
  private ScalaInterop() {}

  static <T> scala.collection.Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBufferConverter(list).asScala().toSeq();
  }

  static <T> List<T> list(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaListConverter(seq).asJava();
  }

  static <K, V> scala.collection.immutable.Map<K, V> immutableMap(Map<K, V> map) {
    return scala.collection.immutable.Map$.MODULE$
        .<K, V>empty()
        .$plus$plus(JavaConverters.mapAsScalaMapConverter(map).asScala());
  }

  static <K, V> Map<K, V> map(scala.collection.Map<K, V> map) {
    return JavaConverters.mapAsJavaMapConverter(map).asJava();
  }

  static <T> scala.Option<T> none() {
    return scala.Option.empty();
  }
}
