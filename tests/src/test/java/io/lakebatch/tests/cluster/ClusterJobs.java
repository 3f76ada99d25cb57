package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.api.ConsoleRunListener;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.jobs.InferenceJob;
import io.lakebatch.jobs.RuntimeJar;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.cluster.ClusterClasspath;
import io.lakebatch.submit.cluster.ClusterOptions;
import io.lakebatch.submit.cluster.SparkDistribution;
import io.lakebatch.submit.cluster.StandaloneCluster;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import io.lakebatch.tests.JobSpecs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A standalone cluster, a driver in the test JVM and a job on it: what the cluster suites share.
 */
final class ClusterJobs {
  static final int FEATURES = 16;

  private ClusterJobs() {}

  /**
   * A cluster of {@code workers} one-core, 1g workers, stopped with this JVM should a test not stop
   * it.
   */
  static StandaloneCluster startCluster(Path dir, int workers) {
    requireLakeBatchJars();
    long start = System.nanoTime();
    StandaloneCluster cluster =
        StandaloneCluster.start(
            dir, ClusterOptions.defaults().withWorkers(workers).withStopOnJvmExit());
    System.out.printf(
        "cluster %s with %d workers started in %.1f s%n",
        cluster.masterUrl(), workers, (System.nanoTime() - start) / 1e9);
    return cluster;
  }

  /**
   * Executors load LakeBatch from the runtime jar ({@code submit/runtime}) and run on a plain Spark
   * distribution's jars ({@code submit/spark-home}); {@code mvn verify} builds both before this
   * module and tells the tests where they are.
   */
  static void requireLakeBatchJars() {
    if (RuntimeJar.location().isEmpty() || SparkDistribution.jars().isEmpty()) {
      throw new IllegalStateException(
          "the cluster suites need the runtime jar ("
              + RuntimeJar.PROPERTY
              + "="
              + System.getProperty(RuntimeJar.PROPERTY)
              + ") and the Spark distribution's jar list ("
              + SparkDistribution.PROPERTY
              + "="
              + System.getProperty(SparkDistribution.PROPERTY)
              + "); run them with `mvn verify`");
    }
  }

  /**
   * A driver session in this JVM on the cluster, built by {@link SparkSessionFactory} as {@code
   * lakebatch run --master spark://…} builds it, plus {@link StandaloneCluster#driverConf()}.
   */
  static SparkSession driver(StandaloneCluster cluster, int taskAttempts) {
    return driver(cluster, taskAttempts, false);
  }

  static SparkSession driver(StandaloneCluster cluster, int taskAttempts, boolean speculation) {
    Map<String, String> conf = driverConf(cluster);
    return SparkSessionFactory.create(
        "lakebatch-cluster-tests", cluster.resources(), taskAttempts, speculation, conf);
  }

  /**
   * {@link StandaloneCluster#driverConf()} with the UI off, and udf's test jar shipped beside the
   * runtime jar: it holds the fault-injection hook ({@code spark.lakebatch.faults.*}), test code
   * that the runtime jar rightly leaves out.
   */
  static Map<String, String> driverConf(StandaloneCluster cluster) {
    Map<String, String> conf = new HashMap<>(cluster.driverConf());
    conf.put("spark.ui.enabled", "false");
    Path hooks =
        ClusterClasspath.ofThisJvm().stream()
            .filter(p -> p.getFileName().toString().matches("lakebatch-udf-.*-tests\\.jar"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "udf's test jar (the fault hook) is not on the test classpath"));
    conf.merge("spark.jars", hooks.toUri().toString(), (jars, jar) -> jars + "," + jar);
    return conf;
  }

  static Path mlp(Path folder) {
    Path model = folder.resolve("mlp.onnx");
    ModelGenerator.write(
        ModelKind.MLP,
        ModelOptions.defaults().withFeatures(FEATURES).withHidden(64).withDepth(2),
        model);
    return model;
  }

  /** A Delta table of {@code rows} rows (ids 0..rows-1) with a bad row now and then. */
  static Path input(SparkSession spark, Path folder, long rows, int files, long badEvery) {
    Path input = folder.resolve("input");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(rows, FEATURES, TableFormat.DELTA)
            .withFiles(files)
            .withBadEvery(badEvery),
        input.toString());
    return input;
  }

  static JobSpec spec(
      Path folder, String name, Path model, Path input, long rowsPerChunk, ResourceSpec resources)
      throws IOException {
    String yaml =
        JobSpecs.mlp(
            name,
            model,
            "delta",
            input,
            JobSpecs.featureList(FEATURES),
            folder.resolve("output"),
            """
        batch-size: 256
        rows-per-chunk: %d
        max-bad-row-fraction: 0.2
        retries: {task: 4, chunk: 2}
        """
                .formatted(rowsPerChunk),
            """
        master: %s
        executors: %d
        executor-cores: %d
        executor-memory: %s
        """
                .formatted(
                    resources.master(),
                    resources.executors(),
                    resources.executorCores(),
                    resources.executorMemory()));
    Path file = folder.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return JobSpecParser.parse(file);
  }

  /**
   * A job recording its run in a fresh embedded catalog. Its home is not in a test's temporary
   * folder: the embedded database stays open until the JVM exits and would write into a folder
   * being deleted.
   */
  static InferenceJob job(SparkSession spark, PrintStream out) {
    Path home =
        Path.of(
            System.getProperty("java.io.tmpdir"), "lakebatch-cluster-home-" + UUID.randomUUID());
    return new InferenceJob(
        spark,
        Catalog.open(CatalogConfig.embedded(home)),
        home.resolve("runs"),
        new ConsoleRunListener(out));
  }

  /**
   * Stops the driver, then the cluster, even if the first fails; then removes the cluster's jar
   * links so that deleting the test's folder does not warn about each of them.
   */
  static void stop(SparkSession spark, StandaloneCluster cluster) throws IOException {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (cluster != null) {
        cluster.stop();
        removeJarLinks(cluster.dir());
      }
    }
  }

  /**
   * Deletes the jar symlinks of a stopped cluster's {@code spark-home} (JUnit warns about each one
   * it deletes).
   */
  static void removeJarLinks(Path clusterDir) throws IOException {
    Path jars = clusterDir.resolve("spark-home").resolve("jars");
    if (Files.isDirectory(jars)) {
      try (Stream<Path> links = Files.list(jars)) {
        for (Path link : links.toList()) {
          Files.delete(link);
        }
      }
    }
  }

  /** Seconds since {@code startNanos}, for the suites' timing lines. */
  static String since(long startNanos) {
    return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }

  static Dataset<Row> delta(SparkSession spark, String path) {
    return spark.read().format("delta").load(path);
  }

  /**
   * Row and id counts of a job's output and dead-letter tables.
   *
   * @param allIds rows of both tables together
   * @param distinctIds distinct ids over both tables
   */
  record IdCounts(
      long outputRows,
      long deadLetterRows,
      long scoresMissing,
      long allIds,
      long distinctIds,
      long minId,
      long maxId) {
    /** Whether ids {@code 0..rows-1} each appear exactly once over both tables. */
    boolean everyIdOnce(long rows) {
      return allIds == rows && distinctIds == rows && minId == 0 && maxId == rows - 1;
    }
  }

  /**
   * {@link IdCounts} in two small Spark jobs (the cluster's stages are slow to start; few of them).
   */
  static IdCounts idCounts(SparkSession spark, String output, String deadLetter) {
    Row outputCounts =
        delta(spark, output).selectExpr("count(*)", "count_if(score IS NULL)").first();
    Dataset<Row> ids =
        delta(spark, output).select("id").unionAll(delta(spark, deadLetter).select("id"));
    Row idCounts = ids.selectExpr("count(*)", "count(DISTINCT id)", "min(id)", "max(id)").first();
    long outputRows = outputCounts.getLong(0);
    return new IdCounts(
        outputRows,
        idCounts.getLong(0) - outputRows,
        outputCounts.getLong(1),
        idCounts.getLong(0),
        idCounts.getLong(1),
        idCounts.getLong(2),
        idCounts.getLong(3));
  }

  /**
   * A job server's shared session as a driver on {@code cluster}: the FAIR scheduler (jobs and
   * chunks share the executors by pool), 4 task attempts.
   */
  static SparkSession serverDriver(StandaloneCluster cluster, String appName) {
    Map<String, String> conf = new HashMap<>(driverConf(cluster));
    conf.put("spark.scheduler.mode", "FAIR");
    return SparkSessionFactory.create(appName, cluster.resources(), 4, false, conf);
  }

  /** The Delta output's row count, after checking that no id is there twice. */
  static long idsOnce(SparkSession spark, Path output) {
    List<Row> ids = delta(spark, output.toString()).select("id").collectAsList();
    assertThat(new HashSet<>(ids)).as("no id twice").hasSize(ids.size());
    return ids.size();
  }

  /** Commits in a Delta table's log so far (0 if it has none yet). */
  static int commits(Path table) {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(log)) {
      return (int) files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).count();
    } catch (IOException e) {
      return 0; // listed while Delta writes: the next poll sees it
    }
  }
}
