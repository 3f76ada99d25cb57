package io.lakebatch.catalog.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pins every default of the job spec (in the spirit of Trino's {@code assertRecordedDefaults}): a
 * changed default, or a new one that is not recorded here, fails this test.
 */
class SpecDefaultsTest {

  private static final Map<String, Object> RECORDED =
      Map.ofEntries(
          Map.entry("INPUT_FORMAT", TableFormat.DELTA),
          Map.entry("OUTPUT_MODE", WriteMode.APPEND),
          Map.entry("DEAD_LETTER_SUFFIX", "_dead_letter"),
          Map.entry("BATCH_SIZE", 1024),
          Map.entry("ROWS_PER_CHUNK", 2_000_000L),
          Map.entry("MAX_BAD_ROW_FRACTION", 0.01),
          Map.entry("TASK_RETRIES", 4),
          Map.entry("CHUNK_RETRIES", 3),
          Map.entry("JOB_RETRIES", 10),
          Map.entry("SPECULATION", false),
          Map.entry("MASTER", "local[*]"),
          Map.entry("EXECUTORS", 2),
          Map.entry("EXECUTOR_CORES", 4),
          Map.entry("EXECUTOR_MEMORY", "8g"),
          Map.entry("GPUS_PER_EXECUTOR", 0),
          Map.entry("TASKS_PER_CORE", 3));

  @Test
  void everyDefaultIsRecorded() throws IllegalAccessException {
    Map<String, Object> actual = new TreeMap<>();
    for (Field field : SpecDefaults.class.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isPublic(modifiers)
          && Modifier.isStatic(modifiers)
          && Modifier.isFinal(modifiers)) {
        actual.put(field.getName(), field.get(null));
      }
    }

    assertThat(actual).isEqualTo(new TreeMap<>(RECORDED));
  }

  @Test
  void defaultsHaveTheDocumentedTypes() {
    // Guard against a silent widening (e.g. BATCH_SIZE becoming a long) that the map check would
    // flag
    // only as an unequal boxed value.
    assertThat(
            Arrays.stream(SpecDefaults.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && !f.isSynthetic())
                .map(f -> f.getName() + ":" + f.getType().getSimpleName()))
        .containsExactlyInAnyOrder(
            "INPUT_FORMAT:TableFormat",
            "OUTPUT_MODE:WriteMode",
            "DEAD_LETTER_SUFFIX:String",
            "BATCH_SIZE:int",
            "ROWS_PER_CHUNK:long",
            "MAX_BAD_ROW_FRACTION:double",
            "TASK_RETRIES:int",
            "CHUNK_RETRIES:int",
            "JOB_RETRIES:int",
            "SPECULATION:boolean",
            "MASTER:String",
            "EXECUTORS:int",
            "EXECUTOR_CORES:int",
            "EXECUTOR_MEMORY:String",
            "GPUS_PER_EXECUTOR:int",
            "TASKS_PER_CORE:int");
  }

  @Test
  void minimalSpecResolvesToTheDefaults() {
    JobSpec spec = JobSpecParserTest.yaml(JobSpecParserTest.MINIMAL_YAML);

    assertThat(spec.input().format()).isEqualTo(SpecDefaults.INPUT_FORMAT);
    assertThat(spec.input().version()).isEmpty();
    assertThat(spec.input().filter()).isEmpty();
    assertThat(spec.input().carry()).isEmpty();

    assertThat(spec.output().mode()).isEqualTo(SpecDefaults.OUTPUT_MODE);
    assertThat(spec.output().deadLetterPath())
        .isEqualTo(spec.output().path() + SpecDefaults.DEAD_LETTER_SUFFIX);

    assertThat(spec.model().outputs()).isEmpty();

    ExecutionSpec execution = spec.execution();
    assertThat(execution.batchSize()).isEqualTo(BatchSize.fixed(SpecDefaults.BATCH_SIZE));
    assertThat(execution.rowsPerTask()).isEmpty();
    assertThat(execution.rowsPerChunk()).isEqualTo(SpecDefaults.ROWS_PER_CHUNK);
    assertThat(execution.maxBadRowFraction()).isEqualTo(SpecDefaults.MAX_BAD_ROW_FRACTION);
    assertThat(execution.retries())
        .isEqualTo(
            new RetrySpec(
                SpecDefaults.TASK_RETRIES, SpecDefaults.CHUNK_RETRIES, SpecDefaults.JOB_RETRIES));
    assertThat(execution.speculation()).isEqualTo(SpecDefaults.SPECULATION).isFalse();

    ResourceSpec resources = spec.resources();
    assertThat(resources.master()).isEqualTo(SpecDefaults.MASTER);
    assertThat(resources.executors()).isEqualTo(SpecDefaults.EXECUTORS);
    assertThat(resources.executorCores()).isEqualTo(SpecDefaults.EXECUTOR_CORES);
    assertThat(resources.executorMemory()).isEqualTo(SpecDefaults.EXECUTOR_MEMORY);
    assertThat(resources.gpusPerExecutor()).isEqualTo(SpecDefaults.GPUS_PER_EXECUTOR);
  }

  @Test
  void emptyExecutionAndResourceSectionsResolveToTheSameDefaults() {
    // The parser has two code paths per section (absent vs present); both must use SpecDefaults.
    JobSpec absent = JobSpecParserTest.yaml(JobSpecParserTest.MINIMAL_YAML);
    JobSpec empty =
        JobSpecParserTest.yaml(
            JobSpecParserTest.MINIMAL_YAML + "execution: {retries: {}}\nresources: {}\n");

    assertThat(empty.execution()).isEqualTo(absent.execution());
    assertThat(empty.resources()).isEqualTo(absent.resources());
  }
}
