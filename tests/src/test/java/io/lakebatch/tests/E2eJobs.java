package io.lakebatch.tests;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.api.RunSummary;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.PreparedRun;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Runs job specs in-process the way {@code lakebatch run} does, for the end-to-end suites. */
final class E2eJobs {
  private E2eJobs() {}

  /** A prepared run together with its summary. */
  record Outcome(PreparedRun prepared, RunSummary summary) {}

  /**
   * A job recording its runs in the suite's catalog, as {@code lakebatch run} does in the home
   * folder's.
   */
  static InferenceJob job(SparkSession spark, PrintStream out) {
    return new InferenceJob(
        spark, TestCatalog.shared(), TestCatalog.runFolders(), new ConsoleRunListener(out));
  }

  static PreparedRun prepare(SparkSession spark, Path specFile) {
    JobSpec spec = JobSpecParser.parse(specFile);
    return job(spark, System.out).prepare(spec);
  }

  static Outcome run(SparkSession spark, Path specFile) {
    InferenceJob job = job(spark, System.out);
    PreparedRun prepared = job.prepare(JobSpecParser.parse(specFile));
    RunSummary summary = job.run(prepared);
    System.out.print(summary.render());
    return new Outcome(prepared, summary);
  }

  /** The latest version of the Delta table at {@code path}, from its history. */
  static long deltaVersion(SparkSession spark, Path path) {
    return spark
        .sql("DESCRIBE HISTORY delta.`" + path + "`")
        .selectExpr("max(version)")
        .first()
        .getLong(0);
  }
}
