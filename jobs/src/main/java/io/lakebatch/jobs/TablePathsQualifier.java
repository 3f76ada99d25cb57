package io.lakebatch.jobs;

import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.RunIdentity;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** TEMPORARY until SparkTablePaths lands. */
final class TablePathsQualifier {
  private TablePathsQualifier() {}

  static RunIdentity.QualifiedPaths qualify(SparkSession spark, JobSpec spec) {
    return new RunIdentity.QualifiedPaths(q(spark, spec.input().path()), q(spark, spec.output().path()),
        q(spark, spec.output().deadLetterPath()));
  }

  private static String q(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
