package io.lakebatch.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelRefTest {

  @Test
  void parsesAFixedVersion() {
    ModelRef ref = ModelRef.parse("eta@3", "model.ref");
    assertThat(ref.name()).isEqualTo("eta");
    assertThat(ref.version()).isEqualTo(OptionalInt.of(3));
    assertThat(ref).hasToString("eta@3");
  }

  @Test
  void parsesLatest() {
    ModelRef ref = ModelRef.parse("eta@latest", "model.ref");
    assertThat(ref.name()).isEqualTo("eta");
    assertThat(ref.version()).isEmpty();
    assertThat(ref).hasToString("eta@latest");
  }

  @Test
  void parsesNamesWithDigitsDotsDashesAndUnderscores() {
    ModelRef ref = ModelRef.parse("fraud-v2.onnx_x@12", "model.ref");
    assertThat(ref.name()).isEqualTo("fraud-v2.onnx_x");
    assertThat(ref.version()).isEqualTo(OptionalInt.of(12));
    assertThat(ModelRef.parse(ref.toString(), "f")).isEqualTo(ref);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "eta",
        "eta@0",
        "Eta@1",
        "eta@x",
        "eta@",
        "@3",
        "eta@-1",
        "eta@01",
        "eta@LATEST",
        "eta@3 ",
        "-eta@1",
        "e ta@1",
        "eta@1@2",
        ""
      })
  void rejectsMalformedReferencesNamingTheField(String text) {
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class, () -> ModelRef.parse(text, "jobs.score.model.ref"));
    assertThat(e).as("parse(%s)", text).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.category().exitCode()).isEqualTo(2);
    assertThat(e.getMessage())
        .startsWith("jobs.score.model.ref: ")
        .contains("'" + text + "'")
        .contains("name@version");
  }
}
