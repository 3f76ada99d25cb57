package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.lakebatch.catalog.spec.ResourceSpec;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SparkResourceConfTest {
  @Test
  void localModeSaysHowOftenToRetryAndAsksForNoExecutors() {
    assertThat(SparkResourceConf.of(new ResourceSpec("local[*]", 2, 4, "8g", 0), 4, false))
        .containsExactly(
            entry("spark.master", "local[*,4]"),
            entry("spark.task.maxFailures", "4"),
            entry("spark.speculation", "false"));
  }

  @ParameterizedTest
  @CsvSource({
    "local[2], 'local[2,3]'",
    "local, 'local[1,3]'",
    "'local[2,7]', 'local[2,7]'",
    "local[*], 'local[*,3]'"
  })
  void localMasters(String master, String expected) {
    assertThat(SparkResourceConf.master(new ResourceSpec(master, 1, 1, "1g", 0), 3))
        .isEqualTo(expected);
  }

  @Test
  void aClusterGetsItsExecutorsAndNoGpuKeysWithoutGpus() {
    assertThat(
            SparkResourceConf.of(
                new ResourceSpec("spark://127.0.0.1:7077", 3, 2, "4g", 0), 5, true))
        .containsExactly(
            entry("spark.master", "spark://127.0.0.1:7077"),
            entry("spark.task.maxFailures", "5"),
            entry("spark.speculation", "true"),
            entry("spark.executor.instances", "3"),
            entry("spark.executor.cores", "2"),
            entry("spark.executor.memory", "4g"),
            entry("spark.cores.max", "6"));
  }

  @Test
  void gpusPerExecutorAskSparkForGpusAndShareThemAmongTheExecutorsTasks() {
    assertThat(
            SparkResourceConf.of(
                new ResourceSpec("k8s://https://api:6443", 2, 4, "16g", 1), 4, false))
        .contains(
            entry("spark.executor.resource.gpu.amount", "1"),
            entry("spark.task.resource.gpu.amount", "0.25"));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 4, 0.25",
    "2, 4, 0.5",
    "1, 1, 1",
    "4, 4, 1",
    "8, 4, 2",
    "2, 3, 0.5",
    "3, 8, 0.3333333333333333"
  })
  void taskGpuAmounts(int gpus, int cores, String expected) {
    String amount = SparkResourceConf.taskGpuAmount(gpus, cores);
    assertThat(amount).isEqualTo(expected);
    // every core can run a task at once on the executor's GPUs
    assertThat(Double.parseDouble(amount) * cores).isLessThanOrEqualTo(gpus + 1e-9);
  }

  @Test
  void taskAttemptsMustBePositive() {
    assertThatThrownBy(
            () -> SparkResourceConf.of(new ResourceSpec("local[2]", 1, 1, "1g", 0), 0, false))
        .hasMessageContaining("Invalid task attempts");
  }
}
