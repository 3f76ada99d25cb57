package io.lakebatch.submit.cluster;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to start a {@link StandaloneCluster}.
 *
 * @param workers worker JVMs to start (each hosts at most one executor of an application that asks
 *     for all of a worker's cores)
 * @param workerCores cores each worker offers ({@code --cores})
 * @param workerMemory memory each worker offers to executors ({@code --memory}), like {@code 1g} or
 *     {@code 768m}; at least 512m, the smallest executor Spark accepts
 * @param classpath the entries of the classpath the daemons and executors run with; empty = this
 *     JVM's ({@link ClusterClasspath#ofThisJvm()})
 * @param startTimeout how long to wait for the master to be elected and for every worker to
 *     register
 * @param lifetime whether the cluster outlives this JVM (the command line) or is stopped when it
 *     exits (tests, should their owner not stop it)
 * @param distinctWorkerHosts whether worker {@code i} (and its executors) binds {@code
 *     127.0.0.(i+2)} instead of {@code 127.0.0.1}, so that Spark sees one host per worker
 *     (speculation never runs a copy on the original's host); the master stays on {@code
 *     127.0.0.1}. Linux only (every {@code 127.x.y.z} is loopback there).
 */
public record ClusterOptions(
    int workers,
    int workerCores,
    String workerMemory,
    Optional<List<Path>> classpath,
    Duration startTimeout,
    Lifetime lifetime,
    boolean distinctWorkerHosts) {
  private static final Pattern MEMORY = Pattern.compile("([1-9][0-9]{0,6})([mg])");
  private static final int MAX_WORKERS = 64;

  public ClusterOptions {
    requireNonNull(workerMemory, "workerMemory is null");
    requireNonNull(classpath, "classpath is null");
    requireNonNull(startTimeout, "startTimeout is null");
    requireNonNull(lifetime, "lifetime is null");
    if (workers < 1 || workers > MAX_WORKERS) {
      throw LakeBatchErrors.clusterOption(
          "--workers", Integer.toString(workers), "1.." + MAX_WORKERS);
    }
    if (workerCores < 1 || workerCores > 1024) {
      throw LakeBatchErrors.clusterOption(
          "--worker-cores", Integer.toString(workerCores), "1..1024");
    }
    workerMemory = workerMemory.toLowerCase(Locale.ROOT);
    if (memoryMegabytes(workerMemory) < 512) {
      throw LakeBatchErrors.clusterOption(
          "--worker-memory", workerMemory, "512m or more, written like 768m or 2g");
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw LakeBatchErrors.clusterOption(
          "start timeout", startTimeout.toString(), "a positive duration");
    }
    classpath = classpath.map(List::copyOf);
  }

  /** All on {@code 127.0.0.1} (no distinct worker hosts). */
  public ClusterOptions(
      int workers,
      int workerCores,
      String workerMemory,
      Optional<List<Path>> classpath,
      Duration startTimeout,
      Lifetime lifetime) {
    this(workers, workerCores, workerMemory, classpath, startTimeout, lifetime, false);
  }

  /**
   * Two workers with one core and 1g each, this JVM's classpath, 90 s to start, left running at
   * exit.
   */
  public static ClusterOptions defaults() {
    return new ClusterOptions(
        2, 1, "1g", Optional.empty(), Duration.ofSeconds(90), Lifetime.DETACHED);
  }

  public ClusterOptions withWorkers(int value) {
    return new ClusterOptions(
        value, workerCores, workerMemory, classpath, startTimeout, lifetime, distinctWorkerHosts);
  }

  public ClusterOptions withWorkerCores(int value) {
    return new ClusterOptions(
        workers, value, workerMemory, classpath, startTimeout, lifetime, distinctWorkerHosts);
  }

  public ClusterOptions withWorkerMemory(String value) {
    return new ClusterOptions(
        workers, workerCores, value, classpath, startTimeout, lifetime, distinctWorkerHosts);
  }

  /**
   * Runs the daemons and executors with these classpath entries (only the jars reach executors).
   */
  public ClusterOptions withClasspath(List<Path> value) {
    return new ClusterOptions(
        workers,
        workerCores,
        workerMemory,
        Optional.of(value),
        startTimeout,
        lifetime,
        distinctWorkerHosts);
  }

  public ClusterOptions withStartTimeout(Duration value) {
    return new ClusterOptions(
        workers, workerCores, workerMemory, classpath, value, lifetime, distinctWorkerHosts);
  }

  /** Stops the cluster from a shutdown hook of this JVM, should its owner not stop it (tests). */
  public ClusterOptions withStopOnJvmExit() {
    return new ClusterOptions(
        workers,
        workerCores,
        workerMemory,
        classpath,
        startTimeout,
        Lifetime.THIS_JVM,
        distinctWorkerHosts);
  }

  /**
   * Binds worker {@code i} and its executors to {@code 127.0.0.(i+2)} (the master stays on {@code
   * 127.0.0.1}): each worker is a host of its own to Spark, as speculation needs.
   */
  public ClusterOptions withDistinctWorkerHosts() {
    return new ClusterOptions(
        workers, workerCores, workerMemory, classpath, startTimeout, lifetime, true);
  }

  /**
   * The address worker {@code index} binds: {@code 127.0.0.(index+2)} with distinct hosts, else
   * 127.0.0.1.
   */
  public String workerHost(int index) {
    return distinctWorkerHosts ? "127.0.0." + (index + 2) : "127.0.0.1";
  }

  /** How long the started processes live. */
  public enum Lifetime {
    /**
     * Until {@link StandaloneCluster#stop()} or {@code lakebatch cluster stop}, beyond this JVM.
     */
    DETACHED,
    /** Also stopped by a shutdown hook of the JVM that started them. */
    THIS_JVM
  }

  /** {@code 768m} → 768, {@code 2g} → 2048; -1 if {@code memory} is not written that way. */
  static long memoryMegabytes(String memory) {
    Matcher m = MEMORY.matcher(memory.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return -1;
    }
    long amount = Long.parseLong(m.group(1));
    return m.group(2).equals("g") ? amount * 1024 : amount;
  }
}
