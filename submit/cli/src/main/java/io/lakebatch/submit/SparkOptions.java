package io.lakebatch.submit;

import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.jobs.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The {@code --master} option shared by commands that start Spark. */
final class SparkOptions {
  @Option(names = "--master", description = "Spark master; overrides resources.master of the spec")
  String master;

  ResourceSpec resources(ResourceSpec fromSpec) {
    if (master == null) {
      return fromSpec;
    }
    return new ResourceSpec(
        master,
        fromSpec.executors(),
        fromSpec.executorCores(),
        fromSpec.executorMemory(),
        fromSpec.gpusPerExecutor());
  }

  SparkSession session(JobSpec spec) {
    return SparkSessionFactory.create(
        "lakebatch " + spec.name(),
        resources(spec.resources()),
        spec.execution().retries().task(),
        spec.execution().speculation());
  }
}
