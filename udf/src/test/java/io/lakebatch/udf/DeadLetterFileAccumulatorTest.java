package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterFileAccumulatorTest {
  @Test
  void aTaskReportedTwiceCountsOnce() {
    DeadLetterFileAccumulator driver = new DeadLetterFileAccumulator();
    DeadLetterFileAccumulator attempt0 = (DeadLetterFileAccumulator) driver.copyAndReset();
    attempt0.add(new DeadLetterFile(3, "part-a-c0-p3-a0.snappy.parquet", 1_000, 40, 1));
    DeadLetterFileAccumulator speculative = (DeadLetterFileAccumulator) driver.copyAndReset();
    speculative.add(new DeadLetterFile(3, "part-b-c0-p3-a1.snappy.parquet", 1_001, 40, 2));
    DeadLetterFileAccumulator other = (DeadLetterFileAccumulator) driver.copyAndReset();
    other.add(new DeadLetterFile(1, "part-c-c0-p1-a0.snappy.parquet", 500, 7, 3));

    driver.merge(attempt0);
    driver.merge(speculative);
    driver.merge(other);

    assertThat(driver.value()).extracting(DeadLetterFile::partition).containsExactly(1, 3);
    assertThat(driver.value()).extracting(DeadLetterFile::rows).containsExactly(7L, 40L);
  }

  @Test
  void aPartitionWithoutRejectedRowsReportsNothing() {
    DeadLetterFileAccumulator driver = new DeadLetterFileAccumulator();
    driver.merge(driver.copyAndReset());
    assertThat(driver.isZero()).isTrue();
    assertThat(driver.value()).isEmpty();
  }
}
