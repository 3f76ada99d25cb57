package io.lakebatch.submit;

import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.submit.remote.RemoteJobs;
import io.lakebatch.submit.remote.ServerOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch submit SPEC}: the spark-submit wrapper. Starts {@code SparkSubmit} (client mode)
 * in a child JVM with this installation's classpath, which then runs {@code lakebatch run SPEC}.
 */
@Command(
    name = "submit",
    description =
        "Submit a job through spark-submit (client deploy mode) and wait for it; with --server, to a"
            + " job server's queue (returns at once with the job id).")
final class SubmitCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "job spec, YAML or JSON")
  Path specFile;

  @Mixin SparkOptions spark;

  @Mixin NewRunOption newRun;

  @Option(names = "--conf", description = "extra Spark configuration key=value (repeatable)")
  List<String> conf = new ArrayList<>();

  @Mixin ServerOption remote;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "with --server: a retried submission with this key gets the same job")
  String idempotencyKey;

  @Override
  public Integer call() throws Exception {
    var server = remote.client();
    if (server.isPresent()) {
      JobSpecParser.parse(specFile); // a spec error is reported here, with its field, exit 2
      RemoteJobs.print(
          server
              .get()
              .submit(
                  Files.readString(specFile),
                  specFile.getFileName().toString().endsWith(".json"),
                  Optional.ofNullable(idempotencyKey)),
          System.out);
      return 0;
    }
    JobSpec spec = JobSpecParser.parse(specFile);
    List<String> command =
        SparkSubmitCommand.build(
            spec,
            spark.resources(spec.resources()),
            specFile.toAbsolutePath(),
            conf,
            newRun.start());
    LakeBatchHome.catalog(); // an unreachable catalog fails here, before Spark starts (exit 5)
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    // The driver runs in the child: it records the run in the same catalog and home folder.
    builder.environment().put("LAKEBATCH_HOME", LakeBatchHome.resolve().toString());
    return builder.start().waitFor();
  }
}
