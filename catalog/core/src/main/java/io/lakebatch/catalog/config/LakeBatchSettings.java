package io.lakebatch.catalog.config;

import io.lakebatch.catalog.spec.SpecDefaults;
import io.lakebatch.catalog.store.RunOwner;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting LakeBatch reads, declared once with its key, type, default and doc: job spec
 * defaults, Spark conf keys, JVM system properties and environment variables. The README's settings
 * table is generated from {@link #all()} ({@code SettingsDocumentationTest} keeps the two equal).
 */
public final class LakeBatchSettings {
  private LakeBatchSettings() {}

  // ---- job spec defaults (values in SpecDefaults, which the parser applies)
  // ----------------------
  public static final Setting<Integer> BATCH_SIZE =
      spec(
          "execution.batch-size",
          "int | auto",
          SpecDefaults.BATCH_SIZE,
          "rows per ONNX Runtime call; `auto` probes on an executor before the run");
  public static final Setting<Long> ROWS_PER_CHUNK =
      spec(
          "execution.rows-per-chunk",
          "long",
          SpecDefaults.ROWS_PER_CHUNK,
          "planner target rows per chunk: the unit of commit, progress and resume");
  public static final Setting<String> ROWS_PER_TASK =
      specText(
          "execution.rows-per-task",
          "long",
          "from the chunk and cores",
          "planner target rows per Spark task (default: a chunk cut into "
              + SpecDefaults.TASKS_PER_CORE
              + " tasks per core)");
  public static final Setting<Double> MAX_BAD_ROW_FRACTION =
      spec(
          "execution.max-bad-row-fraction",
          "double",
          SpecDefaults.MAX_BAD_ROW_FRACTION,
          "share of dead-letter rows over the whole run above which it fails");
  public static final Setting<Integer> TASK_RETRIES =
      spec(
          "execution.retries.task",
          "int",
          SpecDefaults.TASK_RETRIES,
          "`spark.task.maxFailures`: attempts of a task before its chunk fails");
  public static final Setting<Integer> CHUNK_RETRIES =
      spec(
          "execution.retries.chunk",
          "int",
          SpecDefaults.CHUNK_RETRIES,
          "retries of a chunk that failed with a transient error (backoff 1 s … 30 s)");
  public static final Setting<Integer> JOB_RETRIES =
      spec(
          "execution.retries.job",
          "int",
          SpecDefaults.JOB_RETRIES,
          "chunk retries the whole run may spend");
  public static final Setting<Boolean> SPECULATION =
      spec(
          "execution.speculation",
          "boolean",
          SpecDefaults.SPECULATION,
          "`spark.speculation`: speculative copies of slow tasks (multi-host clusters)");
  public static final Setting<String> INPUT_FORMAT =
      spec(
          "input.format",
          "delta | parquet",
          SpecDefaults.INPUT_FORMAT.name().toLowerCase(Locale.ROOT),
          "input table format");
  public static final Setting<String> OUTPUT_MODE =
      spec(
          "output.mode",
          "append | overwrite",
          SpecDefaults.OUTPUT_MODE.name().toLowerCase(Locale.ROOT),
          "`overwrite` replaces the table in one commit");
  public static final Setting<String> DEAD_LETTER =
      specText(
          "output.dead-letter",
          "path",
          "<output>" + SpecDefaults.DEAD_LETTER_SUFFIX,
          "Delta table of the rows that could not be scored");
  public static final Setting<String> MASTER =
      spec(
          "resources.master",
          "string",
          SpecDefaults.MASTER,
          "`local[...]`, `spark://host:port` or `k8s://...`");
  public static final Setting<Integer> EXECUTORS =
      spec(
          "resources.executors",
          "int",
          SpecDefaults.EXECUTORS,
          "executors on a cluster (`spark.executor.instances`)");
  public static final Setting<Integer> EXECUTOR_CORES =
      spec(
          "resources.executor-cores", "int", SpecDefaults.EXECUTOR_CORES, "`spark.executor.cores`");
  public static final Setting<String> EXECUTOR_MEMORY =
      spec(
          "resources.executor-memory",
          "size",
          SpecDefaults.EXECUTOR_MEMORY,
          "`spark.executor.memory`");
  public static final Setting<String> EXECUTION_MODE =
      specText(
          "resources.execution-mode",
          "shared | isolated",
          "the server's `execution-mode`",
          "on `lakebatch server`: `shared` runs the job in the server's SparkSession, `isolated` as a"
              + " Spark application of its own (spark-submit); ignored by `lakebatch run`");
  public static final Setting<Integer> GPUS_PER_EXECUTOR =
      spec(
          "resources.gpus-per-executor",
          "int",
          SpecDefaults.GPUS_PER_EXECUTOR,
          "`spark.executor.resource.gpu.amount`; tasks share them (cluster masters)");

  // ---- Spark conf
  // ---------------------------------------------------------------------------------
  public static final Setting<Boolean> READ_COLUMNAR =
      sparkConf(
          "spark.lakebatch.read.columnar",
          "boolean",
          Optional.of(true),
          "true",
          LakeBatchSettings::parseBoolean,
          "copy numeric inputs from the Parquet reader's column vectors (`false`: read rows, for comparison)");
  public static final Setting<Boolean> READ_TASK_READER =
      sparkConf(
          "spark.lakebatch.read.task-reader",
          "boolean",
          Optional.of(true),
          "true",
          LakeBatchSettings::parseBoolean,
          "columnar reads of numeric columns open a task's files with one Hadoop context per task and"
              + " one footer read per file (`false`: Spark's per-file reader, for comparison)");
  public static final Setting<Boolean> READ_DELTA_LOG =
      sparkConf(
          "spark.lakebatch.read.delta-log",
          "boolean",
          Optional.of(true),
          "true",
          LakeBatchSettings::parseBoolean,
          "a Delta input's files, sizes and row counts are read from its log by Delta Kernel on the"
              + " driver, without Spark's state-reconstruction jobs (~5 s of a fresh JVM's start;"
              + " `false`: Spark's Delta lists them)");
  public static final Setting<Integer> CHUNKS_IN_FLIGHT =
      sparkConf(
          "spark.lakebatch.chunks-in-flight",
          "int",
          Optional.of(2),
          "2",
          LakeBatchSettings::parseChunksInFlight,
          "chunks scored at the same time (each still commits alone, in any order): one chunk's last"
              + " tasks and commit overlap the next one's tasks; `1` scores them one after another");
  public static final Setting<Duration> LIVENESS_TIMEOUT =
      sparkConf(
          "spark.lakebatch.driver.liveness-timeout",
          "duration",
          Optional.of(RunOwner.HEARTBEAT_TIMEOUT),
          RunOwner.HEARTBEAT_TIMEOUT.toSeconds() + "s",
          LakeBatchSettings::parseDuration,
          "how long a driver may go without a heartbeat (database clock) before another may take its run");
  public static final Setting<String> SQL_CATALOG_URL =
      sparkConf(
          "spark.lakebatch.catalog.url",
          "JDBC URL",
          Optional.empty(),
          "(none: model paths only)",
          Function.identity(),
          "model registry the `lakebatch_predict` SQL function resolves `name@version` references in");
  public static final Setting<String> SQL_CATALOG_USER =
      sparkConf(
          "spark.lakebatch.catalog.user",
          "string",
          Optional.empty(),
          "(none)",
          Function.identity(),
          "user of `spark.lakebatch.catalog.url`");
  public static final Setting<String> SQL_CATALOG_PASSWORD =
      sparkConf(
          "spark.lakebatch.catalog.password",
          "secret",
          Optional.empty(),
          "(none)",
          Function.identity(),
          "password of `spark.lakebatch.catalog.url` (never logged)");

  /** Test hooks: read only by tests' fault injection; documented so that no key is a secret. */
  public static final Setting<String> FAULTS =
      sparkConf(
          "spark.lakebatch.faults.*",
          "test hook",
          Optional.empty(),
          "(off)",
          Function.identity(),
          "test only: seeded task failures and slow tasks (`task-failure-rate`, `slow-task-rate`, `slow-task-millis`,"
              + " `slow-partition`, `seed`), a barrier at the take of a run, planner footer failures");

  // ---- JVM system properties (set by the launcher)
  // -----------------------------------------------
  public static final Setting<String> RUNTIME_JAR =
      system(
          "lakebatch.runtime.jar",
          "path",
          "the build's `submit/runtime/target/lakebatch-runtime-*.jar`",
          "the jar drivers ship to cluster executors (`spark.jars`)");
  public static final Setting<String> SPARK_JARS =
      system(
          "lakebatch.spark.jars",
          "path",
          "the build's `submit/spark-home/target/spark-jars.txt`",
          "list of a plain Spark distribution's jars: the executors' classpath on `lakebatch cluster`");
  public static final Setting<String> HOME_PROPERTY =
      system(
          "lakebatch.home",
          "path",
          "`$LAKEBATCH_HOME`",
          "LakeBatch home (catalog, run folders, quickstart) for embedding and tests");

  // ---- environment ----------------------------------------------------------------------------
  public static final Setting<String> HOME =
      environment(
          "LAKEBATCH_HOME",
          "path",
          "`.lakebatch` in the working folder",
          "LakeBatch home: the embedded catalog, each run's folder (driver log), quickstart files");
  public static final Setting<String> CATALOG_URL =
      environment(
          "LAKEBATCH_CATALOG_URL",
          "JDBC URL",
          "embedded H2 under the home",
          "catalog database (overrides `$LAKEBATCH_HOME/lakebatch.yaml`)");
  public static final Setting<String> CATALOG_USER =
      environment("LAKEBATCH_CATALOG_USER", "string", "(none)", "catalog database user");
  public static final Setting<String> CATALOG_PASSWORD =
      environment(
          "LAKEBATCH_CATALOG_PASSWORD",
          "secret",
          "(none)",
          "catalog database password (never logged)");
  public static final Setting<String> RUNTIME_JAR_ENV =
      environment(
          "LAKEBATCH_RUNTIME_JAR",
          "path",
          "(none)",
          "as `lakebatch.runtime.jar`, when the system property is not set");
  public static final Setting<String> SPARK_JARS_ENV =
      environment(
          "LAKEBATCH_SPARK_JARS",
          "path",
          "(none)",
          "as `lakebatch.spark.jars`, when the system property is not set");
  public static final Setting<String> CDS =
      environment(
          "LAKEBATCH_CDS",
          "on | off",
          "on",
          "launcher: class-data-sharing archive for faster JVM starts");
  public static final Setting<String> DRIVER_MEMORY =
      environment(
          "LAKEBATCH_DRIVER_MEMORY",
          "size",
          "6g",
          "launcher: `-Xmx` of the `lakebatch` JVM (the driver)");
  public static final Setting<String> LOG_CONFIG =
      environment(
          "LAKEBATCH_LOG_CONFIG",
          "path",
          "`conf/log4j2.properties`",
          "launcher: log4j2 configuration (quiet by default)");

  /** Every setting, in documentation order. */
  public static List<Setting<?>> all() {
    return List.of(
        BATCH_SIZE,
        ROWS_PER_CHUNK,
        ROWS_PER_TASK,
        MAX_BAD_ROW_FRACTION,
        TASK_RETRIES,
        CHUNK_RETRIES,
        JOB_RETRIES,
        SPECULATION,
        INPUT_FORMAT,
        OUTPUT_MODE,
        DEAD_LETTER,
        MASTER,
        EXECUTORS,
        EXECUTOR_CORES,
        EXECUTOR_MEMORY,
        EXECUTION_MODE,
        GPUS_PER_EXECUTOR,
        READ_COLUMNAR,
        READ_TASK_READER,
        READ_DELTA_LOG,
        CHUNKS_IN_FLIGHT,
        LIVENESS_TIMEOUT,
        SQL_CATALOG_URL,
        SQL_CATALOG_USER,
        SQL_CATALOG_PASSWORD,
        FAULTS,
        RUNTIME_JAR,
        SPARK_JARS,
        HOME_PROPERTY,
        HOME,
        CATALOG_URL,
        CATALOG_USER,
        CATALOG_PASSWORD,
        RUNTIME_JAR_ENV,
        SPARK_JARS_ENV,
        CDS,
        DRIVER_MEMORY,
        LOG_CONFIG);
  }

  /** The settings table of the README: one row per setting. */
  public static String markdownTable() {
    StringBuilder table =
        new StringBuilder(
            "| where | key | type | default | what it does |\n|---|---|---|---|---|\n");
    for (Setting<?> setting : all()) {
      table
          .append("| ")
          .append(setting.source().label())
          .append(" | `")
          .append(setting.key())
          .append('`')
          .append(" | ")
          .append(cell(setting.type()))
          .append(" | ")
          .append(cell(setting.defaultText()))
          .append(" | ")
          .append(cell(setting.doc()))
          .append(" |\n");
    }
    return table.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  static boolean parseBoolean(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(value);
    };
  }

  static int parseChunksInFlight(String value) {
    int chunks = Integer.parseInt(value.trim());
    if (chunks < 1 || chunks > 16) {
      throw new IllegalArgumentException(value + " (give 1 to 16)");
    }
    return chunks;
  }

  /**
   * A Spark time string: {@code 250ms}, {@code 60s}, {@code 5m}, {@code 1h} (a bare number is
   * seconds).
   */
  static Duration parseDuration(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
    }
    long amount = Long.parseLong(v.replaceAll("[a-z]+$", "").trim());
    return switch (v.replaceAll("^[0-9 ]+", "")) {
      case "", "s" -> Duration.ofSeconds(amount);
      case "m", "min" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException(value);
    };
  }

  private static <T> Setting<T> spec(String key, String type, T defaultValue, String doc) {
    return new Setting<>(
        SettingSource.SPEC,
        key,
        type,
        Optional.of(defaultValue),
        "`" + defaultValue + "`",
        raw -> {
          throw new UnsupportedOperationException("spec keys are read by JobSpecParser");
        },
        doc);
  }

  private static Setting<String> specText(String key, String type, String defaultText, String doc) {
    return new Setting<>(
        SettingSource.SPEC, key, type, Optional.empty(), defaultText, Function.identity(), doc);
  }

  private static <T> Setting<T> sparkConf(
      String key,
      String type,
      Optional<T> defaultValue,
      String defaultText,
      Function<String, T> parser,
      String doc) {
    return new Setting<>(
        SettingSource.SPARK_CONF,
        key,
        type,
        defaultValue,
        defaultValue.isPresent() ? "`" + defaultText + "`" : defaultText,
        parser,
        doc);
  }

  private static Setting<String> system(String key, String type, String defaultText, String doc) {
    return new Setting<>(
        SettingSource.SYSTEM_PROPERTY,
        key,
        type,
        Optional.empty(),
        defaultText,
        Function.identity(),
        doc);
  }

  private static Setting<String> environment(
      String key, String type, String defaultText, String doc) {
    return new Setting<>(
        SettingSource.ENVIRONMENT,
        key,
        type,
        Optional.empty(),
        defaultText,
        Function.identity(),
        doc);
  }
}
