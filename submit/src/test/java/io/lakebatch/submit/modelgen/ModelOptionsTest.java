package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        assertThat(ModelOptions.defaults()).isEqualTo(new ModelOptions(32, 64, 2, 20, 4, 3, 16, 16, 1000, 42L));
    }

    @Test
    void withMethodsChangeOnlyTheirField() {
        ModelOptions changed = ModelOptions.defaults()
                .withFeatures(5).withHidden(6).withDepth(7).withTrees(8).withTreeDepth(9)
                .withClasses(10).withImageSize(11).withSequenceLength(12).withVocabulary(13).withSeed(14L);
        assertThat(changed).isEqualTo(new ModelOptions(5, 6, 7, 8, 9, 10, 11, 12, 13, 14L));
        assertThat(ModelOptions.defaults().withSeed(7L).features()).isEqualTo(32);
    }

    @Test
    void rejectsNonPositiveValuesNamingTheField() {
        Map<String, Function<ModelOptions, ModelOptions>> setters = Map.of(
                "features", options -> options.withFeatures(0),
                "hidden", options -> options.withHidden(-1),
                "depth", options -> options.withDepth(0),
                "trees", options -> options.withTrees(0),
                "treeDepth", options -> options.withTreeDepth(0),
                "classes", options -> options.withClasses(0),
                "imageSize", options -> options.withImageSize(0),
                "sequenceLength", options -> options.withSequenceLength(0),
                "vocabulary", options -> options.withVocabulary(0));
        setters.forEach((field, setter) -> assertThatThrownBy(() -> setter.apply(ModelOptions.defaults()))
                .as(field)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must be positive"));
    }
}
