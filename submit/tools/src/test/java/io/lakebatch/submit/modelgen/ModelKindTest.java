package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelKindTest {

  @Test
  void parsesEveryLowerCaseName() {
    assertThat(ModelKind.parse("mlp")).isEqualTo(ModelKind.MLP);
    assertThat(ModelKind.parse("linear")).isEqualTo(ModelKind.LINEAR);
    assertThat(ModelKind.parse("trees")).isEqualTo(ModelKind.TREES);
    assertThat(ModelKind.parse("conv")).isEqualTo(ModelKind.CONV);
    assertThat(ModelKind.parse("mobilenet")).isEqualTo(ModelKind.MOBILENET);
    assertThat(ModelKind.parse("tokens")).isEqualTo(ModelKind.TOKENS);
    assertThat(ModelKind.parse("encoder")).isEqualTo(ModelKind.ENCODER);
  }

  @Test
  void rejectsUnknownNameListingAllowedNames() {
    assertThatThrownBy(() -> ModelKind.parse("forest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forest")
        .hasMessageContaining("mlp, linear, trees, conv, mobilenet, tokens, encoder");
    assertThatThrownBy(() -> ModelKind.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
