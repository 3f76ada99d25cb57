package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReaderBatchSizeTest {
  @Test
  void narrowRowsKeepSparksDefault() {
    assertThat(ReaderBatchSize.rowsFor(64 * 4 + 8)).isEqualTo(ReaderBatchSize.SPARK_DEFAULT);
    assertThat(ReaderBatchSize.rowsFor(8 * 1024)).isEqualTo(ReaderBatchSize.SPARK_DEFAULT);
  }

  @Test
  void unknownWidthKeepsSparksDefault() {
    assertThat(ReaderBatchSize.rowsFor(0)).isEqualTo(ReaderBatchSize.SPARK_DEFAULT);
    assertThat(ReaderBatchSize.rowsFor(-1)).isEqualTo(ReaderBatchSize.SPARK_DEFAULT);
  }

  @Test
  void imageRowsGetBatchesOfAboutTheTargetBytes() {
    long image = 3L * 224 * 224 * 4; // 602,112 bytes
    int rows = ReaderBatchSize.rowsFor(image);

    assertThat(rows).isEqualTo(55);
    assertThat(rows * image).isLessThanOrEqualTo(ReaderBatchSize.TARGET_BATCH_BYTES);
    assertThat((rows + 1) * image).isGreaterThan(ReaderBatchSize.TARGET_BATCH_BYTES);
  }

  @Test
  void aRowWiderThanTheTargetIsReadOneAtATime() {
    assertThat(ReaderBatchSize.rowsFor(ReaderBatchSize.TARGET_BATCH_BYTES * 3)).isEqualTo(1);
  }
}
