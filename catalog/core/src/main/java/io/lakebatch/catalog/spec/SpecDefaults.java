package io.lakebatch.catalog.spec;

/** Every default of the job spec, in one place (pinned by {@code SpecDefaultsTest}). */
public final class SpecDefaults {
  private SpecDefaults() {}

  public static final TableFormat INPUT_FORMAT = TableFormat.DELTA;
  public static final WriteMode OUTPUT_MODE = WriteMode.APPEND;

  /** Appended to the output path when {@code output.dead-letter} is not given. */
  public static final String DEAD_LETTER_SUFFIX = "_dead_letter";

  public static final int BATCH_SIZE = 1024;
  public static final long ROWS_PER_CHUNK = 2_000_000L;
  public static final double MAX_BAD_ROW_FRACTION = 0.01;
  public static final int TASK_RETRIES = 4;
  public static final int CHUNK_RETRIES = 3;
  public static final int JOB_RETRIES = 10;
  public static final boolean SPECULATION = false;

  public static final String MASTER = "local[*]";
  public static final int EXECUTORS = 2;
  public static final int EXECUTOR_CORES = 4;
  public static final String EXECUTOR_MEMORY = "8g";
  public static final int GPUS_PER_EXECUTOR = 0;

  /** Tasks per core the planner aims for inside one chunk, so a chunk's tail stays short. */
  public static final int TASKS_PER_CORE = 3;
}
