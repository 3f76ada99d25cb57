package io.lakebatch.catalog.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LakeBatchErrorsTest {

  @ParameterizedTest
  @CsvSource({"USER, 2", "DATA, 3", "INTERNAL, 1", "TRANSIENT, 1", "UNAVAILABLE, 5", "CONFLICT, 7"})
  void exitCodesFollowTheCliContract(ErrorCategory category, int exitCode) {
    assertThat(category.exitCode()).isEqualTo(exitCode);
  }

  @Test
  void onlyTransientErrorsAreRetried() {
    assertThat(ErrorCategory.values())
        .filteredOn(ErrorCategory::retryable)
        .containsExactly(ErrorCategory.TRANSIENT);
  }

  @Test
  void buildersSetTheirCategory() {
    Throwable cause = new IOException("boom");
    assertThat(LakeBatchErrors.invalidSpec("name", "bad").category()).isEqualTo(ErrorCategory.USER);
    assertThat(LakeBatchErrors.unreadableSpec("f", "bad", cause).category())
        .isEqualTo(ErrorCategory.USER);
    assertThat(LakeBatchErrors.unknownKey("", "x", List.of("a")).category())
        .isEqualTo(ErrorCategory.USER);
    assertThat(LakeBatchErrors.usage("bad").category()).isEqualTo(ErrorCategory.USER);
    assertThat(LakeBatchErrors.modelUnreadable("m.onnx", cause).category())
        .isEqualTo(ErrorCategory.DATA);
    assertThat(LakeBatchErrors.modelMismatch("model.inputs.x", "bad").category())
        .isEqualTo(ErrorCategory.DATA);
    assertThat(LakeBatchErrors.inputNotFound("in", cause).category()).isEqualTo(ErrorCategory.DATA);
    assertThat(LakeBatchErrors.unsupportedInput("in", "bad").category())
        .isEqualTo(ErrorCategory.DATA);
    assertThat(LakeBatchErrors.unreadableFile("part-0", cause).category())
        .isEqualTo(ErrorCategory.DATA);
    assertThat(LakeBatchErrors.tooManyBadRows(5, 10, 0.01, "dl").category())
        .isEqualTo(ErrorCategory.DATA);
    assertThat(LakeBatchErrors.transientFailure("task", cause).category())
        .isEqualTo(ErrorCategory.TRANSIENT);
    assertThat(LakeBatchErrors.internal("oops", cause).category())
        .isEqualTo(ErrorCategory.INTERNAL);
  }

  @Test
  @Timeout(5)
  void severalSpecErrorsAreOneUserErrorWithALineEach() {
    LakeBatchException e =
        LakeBatchErrors.invalidSpec(
            List.of(
                new FieldError("model.path", "is required"),
                new FieldError("input.path", "must be a string, got 3"),
                new FieldError("priority", "must be high, normal or low, got 'x'")));

    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.category().exitCode()).isEqualTo(2);
    assertThat(e)
        .hasMessage(
            "job spec has 3 errors:\n"
                + "  model.path: is required\n"
                + "  input.path: must be a string, got 3\n"
                + "  priority: must be high, normal or low, got 'x'");
    assertThat(e.field()).hasValue("model.path");
    assertThat(e.fieldErrors())
        .extracting(FieldError::field)
        .containsExactly("model.path", "input.path", "priority");
  }

  @Test
  @Timeout(5)
  void aSingleSpecErrorIsAListOfOneAndOtherErrorsHaveNone() {
    LakeBatchException one = LakeBatchErrors.invalidSpec("name", "is required");

    assertThat(one).hasMessage("name: is required");
    assertThat(one.fieldErrors()).containsExactly(new FieldError("name", "is required"));
    assertThat(LakeBatchErrors.invalidSpec(List.of(new FieldError("name", "is required"))))
        .hasMessage("name: is required");
    assertThat(LakeBatchErrors.usage("bad").fieldErrors()).isEmpty();
    assertThat(LakeBatchErrors.usage("bad").field()).isEmpty();
  }

  @Test
  void invalidSpecMessageStartsWithTheFieldPath() {
    assertThat(
            LakeBatchErrors.invalidSpec(
                "model.inputs.features", "column 'f65' not in input schema [f0]"))
        .hasMessage("model.inputs.features: column 'f65' not in input schema [f0]")
        .hasNoCause();
  }

  @Test
  void unknownKeyNamesTheFullPathAndTheAllowedKeys() {
    assertThat(
            LakeBatchErrors.unknownKey("execution", "batchsize", List.of("batch-size", "retries")))
        .hasMessage(
            "execution.batchsize: unknown key; allowed keys here are [batch-size, retries]");
    assertThat(LakeBatchErrors.unknownKey("", "owner", List.of("name")))
        .hasMessage("owner: unknown key; allowed keys here are [name]");
  }

  @Test
  void messagesOfCauseCarryingBuildersQuoteTheRootCause() {
    Throwable cause = new RuntimeException("wrapper", new IOException("Permission denied"));

    assertThat(LakeBatchErrors.modelUnreadable("m.onnx", cause))
        .hasMessage(
            "model m.onnx cannot be loaded by ONNX Runtime (IOException: Permission denied);"
                + " check that the file is a complete ONNX model")
        .hasCause(cause);
    assertThat(LakeBatchErrors.inputNotFound("data/orders", cause))
        .hasMessage(
            "input.path: no readable table at data/orders (IOException: Permission denied)");
    assertThat(LakeBatchErrors.transientFailure("chunk 3", cause))
        .hasMessage("chunk 3: IOException: Permission denied");
  }

  @Test
  void tooManyBadRowsShowsTheFraction() {
    assertThat(LakeBatchErrors.tooManyBadRows(5, 100, 0.01, "out_dead_letter"))
        .hasMessage(
            "5 of 100 rows (0.0500) failed validation, above execution.max-bad-row-fraction 0.0100;"
                + " see the reasons in out_dead_letter");
    assertThat(LakeBatchErrors.tooManyBadRows(0, 0, 0.01, "dl"))
        .hasMessageStartingWith("0 of 0 rows (0.0000)");
  }

  // ---------------------------------------------------------------------------------------------
  // findIn

  @Test
  void findInReturnsTheExceptionItself() {
    LakeBatchException e = LakeBatchErrors.usage("bad flag");

    assertThat(LakeBatchException.findIn(e)).containsSame(e);
  }

  @Test
  void findInLooksThroughNestedCauses() {
    LakeBatchException data = LakeBatchErrors.modelMismatch("model.inputs.x", "bad");
    Throwable wrapped =
        new RuntimeException(
            "Job aborted",
            new ExecutionException(
                "stage failed", new UncheckedIOException(new IOException("task", data))));

    assertThat(LakeBatchException.findIn(wrapped)).containsSame(data);
  }

  @Test
  void findInReturnsTheOutermostLakeBatchException() {
    LakeBatchException inner = LakeBatchErrors.transientFailure("read", new IOException("timeout"));
    LakeBatchException outer =
        LakeBatchErrors.internal("chunk failed", new RuntimeException(inner));

    assertThat(LakeBatchException.findIn(new RuntimeException(outer))).containsSame(outer);
  }

  @Test
  void findInIsEmptyWithoutALakeBatchException() {
    assertThat(LakeBatchException.findIn(new RuntimeException("x", new IOException("y"))))
        .isEmpty();
    assertThat(LakeBatchException.findIn(null)).isEmpty();
  }

  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void findInTerminatesOnACauseCycle() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(LakeBatchException.findIn(a)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // rootMessage

  @Test
  void rootMessageIsTheInnermostCauseWithItsType() {
    Throwable t =
        new RuntimeException(
            "outer", new IllegalStateException("middle", new IOException("disk full")));

    assertThat(LakeBatchErrors.rootMessage(t)).isEqualTo("IOException: disk full");
  }

  @Test
  void rootMessageOfAnExceptionWithoutCauseIsItsOwn() {
    assertThat(LakeBatchErrors.rootMessage(new IllegalArgumentException("bad")))
        .isEqualTo("IllegalArgumentException: bad");
  }

  @Test
  void rootMessageWithoutAMessageIsTheTypeName() {
    assertThat(
            LakeBatchErrors.rootMessage(new RuntimeException("outer", new NullPointerException())))
        .isEqualTo("NullPointerException");
  }

  @Test
  void rootMessageOfNullSaysSo() {
    assertThat(LakeBatchErrors.rootMessage(null)).isEqualTo("no cause");
  }

  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void rootMessageTerminatesOnACauseCycle() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(LakeBatchErrors.rootMessage(a)).isNotNull();
  }
}
