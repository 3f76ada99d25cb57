package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    assertThat(ModelOptions.defaults())
        .isEqualTo(new ModelOptions(32, 64, 2, 20, 4, 3, 16, 3, 32, 16, 8192, 4, 256, 128, 42L));
  }

  @Test
  void kindDefaultsDifferOnlyWhereAKindHasItsOwnSizes() {
    assertThat(ModelOptions.defaultsFor(ModelKind.MOBILENET))
        .isEqualTo(
            new ModelOptions(32, 64, 2, 20, 4, 1000, 224, 4, 64, 16, 8192, 4, 256, 128, 42L));
    for (ModelKind kind : ModelKind.values()) {
      if (kind != ModelKind.MOBILENET) {
        assertThat(ModelOptions.defaultsFor(kind))
            .as("%s", kind)
            .isEqualTo(ModelOptions.defaults());
      }
    }
  }

  @Test
  void withMethodsChangeOnlyTheirField() {
    ModelOptions changed =
        ModelOptions.defaults()
            .withFeatures(5)
            .withHidden(6)
            .withDepth(7)
            .withTrees(8)
            .withTreeDepth(9)
            .withClasses(10)
            .withImageSize(11)
            .withConvolutionBlocks(12)
            .withConvolutionChannels(13)
            .withSequenceLength(14)
            .withVocabulary(15)
            .withAttentionHeads(16)
            .withFeedForwardWidth(17)
            .withMaximumLength(18)
            .withSeed(19L);
    assertThat(changed)
        .isEqualTo(new ModelOptions(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19L));
    assertThat(ModelOptions.defaults().withSeed(7L).features()).isEqualTo(32);
  }

  @Test
  void rejectsNonPositiveValuesNamingTheField() {
    Map<String, Function<ModelOptions, ModelOptions>> setters =
        Map.ofEntries(
            Map.entry("features", options -> options.withFeatures(0)),
            Map.entry("hidden", options -> options.withHidden(-1)),
            Map.entry("depth", options -> options.withDepth(0)),
            Map.entry("trees", options -> options.withTrees(0)),
            Map.entry("treeDepth", options -> options.withTreeDepth(0)),
            Map.entry("classes", options -> options.withClasses(0)),
            Map.entry("imageSize", options -> options.withImageSize(0)),
            Map.entry("sequenceLength", options -> options.withSequenceLength(0)),
            Map.entry("vocabulary", options -> options.withVocabulary(0)),
            Map.entry("convolutionBlocks", options -> options.withConvolutionBlocks(0)),
            Map.entry("convolutionChannels", options -> options.withConvolutionChannels(0)),
            Map.entry("attentionHeads", options -> options.withAttentionHeads(0)),
            Map.entry("feedForwardWidth", options -> options.withFeedForwardWidth(-2)),
            Map.entry("maximumLength", options -> options.withMaximumLength(0)));
    setters.forEach(
        (field, setter) ->
            assertThatThrownBy(() -> setter.apply(ModelOptions.defaults()))
                .as(field)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must be positive"));
  }
}
