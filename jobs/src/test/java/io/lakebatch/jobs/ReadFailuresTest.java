package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.error.ErrorCategory;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;

class ReadFailuresTest {
  private static final String FILE = "s3a://bucket/in/part-00007.parquet";

  @Test
  void brokenFilesArePermanentAndNameTheFile() {
    for (Throwable cause :
        new Throwable[] {
          new RuntimeException(new FileNotFoundException("gone")),
          new RuntimeException("wrapped", new EOFException("truncated")),
          new ParquetDecodingException("bad page"),
          new RuntimeException(FILE + " is not a Parquet file. Expected magic number at tail"),
          new IllegalStateException("decoder bug")
        }) {
      var error = ReadFailures.classify(FILE, cause);
      assertThat(error.category()).as(cause.toString()).isEqualTo(ErrorCategory.DATA);
      assertThat(error.getMessage()).contains(FILE);
    }
  }

  @Test
  void otherIoErrorsAreTransient() {
    for (Throwable cause :
        new Throwable[] {
          new RuntimeException(new SocketTimeoutException("read timed out")),
          new IOException("Connection reset by peer"),
          new java.io.UncheckedIOException(new IOException("503 Slow Down"))
        }) {
      var error = ReadFailures.classify(FILE, cause);
      assertThat(error.category()).as(cause.toString()).isEqualTo(ErrorCategory.TRANSIENT);
      assertThat(error.getMessage()).contains(FILE);
    }
  }
}
