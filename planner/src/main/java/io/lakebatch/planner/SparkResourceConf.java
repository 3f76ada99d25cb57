package io.lakebatch.planner;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.ResourceSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's {@code resources} (and its retry and speculation choices) as Spark configuration: the one
 * place that turns a spec into {@code spark.*} keys, used alike by {@code lakebatch run} (a session
 * built in-process), {@code lakebatch submit} ({@code --conf} arguments to SparkSubmit) and, later,
 * Kubernetes and GPU profiles. Pure: no Spark classes.
 */
public final class SparkResourceConf {
  /** Spark's name of the GPU resource, as its resource scheduling and RAPIDS know it. */
  public static final String GPU = "gpu";

  private SparkResourceConf() {}

  /**
   * @param taskAttempts {@code spark.task.maxFailures} (in local mode also the master's retry
   *     count)
   * @param speculation {@code spark.speculation}
   * @return the Spark conf, in a stable order; {@code spark.master} included
   */
  public static Map<String, String> of(
      ResourceSpec resources, int taskAttempts, boolean speculation) {
    requireNonNull(resources, "resources is null");
    if (taskAttempts < 1) {
      throw new IllegalArgumentException("Invalid task attempts (less than 1): " + taskAttempts);
    }
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", master(resources, taskAttempts));
    conf.put("spark.task.maxFailures", Integer.toString(taskAttempts));
    conf.put("spark.speculation", Boolean.toString(speculation));
    if (resources.isLocal()) {
      return conf;
    }
    conf.put("spark.executor.instances", Integer.toString(resources.executors()));
    conf.put("spark.executor.cores", Integer.toString(resources.executorCores()));
    conf.put("spark.executor.memory", resources.executorMemory());
    conf.put(
        "spark.cores.max", Long.toString((long) resources.executors() * resources.executorCores()));
    int gpus = resources.gpusPerExecutor();
    if (gpus > 0) {
      conf.put("spark.executor.resource." + GPU + ".amount", Integer.toString(gpus));
      conf.put(
          "spark.task.resource." + GPU + ".amount", taskGpuAmount(gpus, resources.executorCores()));
    }
    return conf;
  }

  /**
   * Local mode retries a failed task only when the master says how often ({@code local[N, F]}), so
   * {@code local[*]} becomes {@code local[*,F]}; a master that already says is kept.
   */
  static String master(ResourceSpec resources, int taskAttempts) {
    String master = resources.master();
    if (resources.isLocal() && master.endsWith("]") && !master.contains(",")) {
      return master.substring(0, master.length() - 1) + "," + taskAttempts + "]";
    }
    if (master.equals("local")) {
      return "local[1," + taskAttempts + "]";
    }
    return master;
  }

  /**
   * The GPU share of one task, so that every core of an executor can run a task on its GPUs: with
   * fewer GPUs than cores, tasks share a GPU ({@code 1/n}, n tasks per GPU, as Spark requires of a
   * fraction); with at least as many, each task gets {@code gpus / cores} whole GPUs.
   */
  static String taskGpuAmount(int gpus, int executorCores) {
    if (gpus >= executorCores) {
      return Integer.toString(gpus / executorCores);
    }
    int tasksPerGpu = (executorCores + gpus - 1) / gpus;
    return Double.toString(1.0 / tasksPerGpu);
  }
}
