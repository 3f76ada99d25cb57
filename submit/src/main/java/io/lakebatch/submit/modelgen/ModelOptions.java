package io.lakebatch.submit.modelgen;

/**
 * Size and seed settings for generated models. Every size must be positive; each kind uses only the fields it needs.
 *
 * @param features number of float input features ({@code mlp}, {@code linear}, {@code trees})
 * @param hidden hidden layer width ({@code mlp}); upper bound of the embedding width ({@code tokens})
 * @param depth number of hidden layers ({@code mlp})
 * @param trees number of trees ({@code trees})
 * @param treeDepth depth of every tree, counted in branch levels ({@code trees})
 * @param classes number of classes ({@code trees}, {@code conv})
 * @param imageSize image height and width ({@code conv}); must be at least 4 for that kind
 * @param sequenceLength number of token ids per row ({@code tokens})
 * @param vocabulary number of embedding rows; valid token ids are {@code [0, vocabulary)} ({@code tokens})
 * @param seed seed fixing every weight, tree and training sample
 */
public record ModelOptions(
        int features,
        int hidden,
        int depth,
        int trees,
        int treeDepth,
        int classes,
        int imageSize,
        int sequenceLength,
        int vocabulary,
        long seed) {

    public ModelOptions {
        requirePositive("features", features);
        requirePositive("hidden", hidden);
        requirePositive("depth", depth);
        requirePositive("trees", trees);
        requirePositive("treeDepth", treeDepth);
        requirePositive("classes", classes);
        requirePositive("imageSize", imageSize);
        requirePositive("sequenceLength", sequenceLength);
        requirePositive("vocabulary", vocabulary);
    }

    /** features 32, hidden 64, depth 2, trees 20, treeDepth 4, classes 3, imageSize 16, sequenceLength 16, vocabulary 1000, seed 42. */
    public static ModelOptions defaults() {
        return new ModelOptions(32, 64, 2, 20, 4, 3, 16, 16, 1000, 42L);
    }

    public ModelOptions withFeatures(int value) {
        return new ModelOptions(value, hidden, depth, trees, treeDepth, classes, imageSize, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withHidden(int value) {
        return new ModelOptions(features, value, depth, trees, treeDepth, classes, imageSize, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withDepth(int value) {
        return new ModelOptions(features, hidden, value, trees, treeDepth, classes, imageSize, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withTrees(int value) {
        return new ModelOptions(features, hidden, depth, value, treeDepth, classes, imageSize, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withTreeDepth(int value) {
        return new ModelOptions(features, hidden, depth, trees, value, classes, imageSize, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withClasses(int value) {
        return new ModelOptions(features, hidden, depth, trees, treeDepth, value, imageSize, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withImageSize(int value) {
        return new ModelOptions(features, hidden, depth, trees, treeDepth, classes, value, sequenceLength, vocabulary, seed);
    }

    public ModelOptions withSequenceLength(int value) {
        return new ModelOptions(features, hidden, depth, trees, treeDepth, classes, imageSize, value, vocabulary, seed);
    }

    public ModelOptions withVocabulary(int value) {
        return new ModelOptions(features, hidden, depth, trees, treeDepth, classes, imageSize, sequenceLength, value, seed);
    }

    public ModelOptions withSeed(long value) {
        return new ModelOptions(features, hidden, depth, trees, treeDepth, classes, imageSize, sequenceLength, vocabulary, value);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }
}
