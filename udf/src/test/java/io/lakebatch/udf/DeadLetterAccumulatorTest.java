package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

class DeadLetterAccumulatorTest {
  private static InternalRow row(long id) {
    return new GenericInternalRow(new Object[] {id});
  }

  @Test
  void aTaskReportedTwiceCountsOnce() {
    DeadLetterAccumulator driver = new DeadLetterAccumulator(10);
    DeadLetterAccumulator attempt1 = (DeadLetterAccumulator) driver.copyAndReset();
    attempt1.add(row(1));
    attempt1.add(row(2));
    DeadLetterAccumulator attempt2 = (DeadLetterAccumulator) driver.copyAndReset();
    attempt2.add(row(1));
    attempt2.add(row(2));

    driver.merge(attempt1);
    driver.merge(attempt2);

    DeadLetterAccumulator.Letters letters = driver.value();
    assertThat(letters.count()).isEqualTo(2);
    assertThat(letters.complete()).isTrue();
    assertThat(letters.rows()).extracting(r -> r.getLong(0)).containsExactlyInAnyOrder(1L, 2L);
  }

  @Test
  void pastTheCapOnlyTheCountIsKept() {
    DeadLetterAccumulator accumulator = new DeadLetterAccumulator(3);
    for (long id = 0; id < 5; id++) {
      accumulator.add(row(id));
    }
    DeadLetterAccumulator.Letters letters = accumulator.value();
    assertThat(letters.count()).isEqualTo(5);
    assertThat(letters.complete()).isFalse();
    assertThat(letters.rows()).isEmpty();
  }

  @Test
  void rowsAreCopiedBecauseReadersReuseThem() {
    DeadLetterAccumulator accumulator = new DeadLetterAccumulator(10);
    GenericInternalRow reused = new GenericInternalRow(new Object[] {1L});
    accumulator.add(reused);
    reused.update(0, 2L);
    assertThat(accumulator.value().rows().get(0).getLong(0)).isEqualTo(1L);
  }
}
