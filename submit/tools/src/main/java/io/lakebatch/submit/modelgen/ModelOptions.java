package io.lakebatch.submit.modelgen;

/**
 * Size and seed settings for generated models. Every size must be positive; each kind uses only the
 * fields it needs.
 *
 * @param features number of float input features ({@code mlp}, {@code linear}, {@code trees})
 * @param hidden hidden layer width ({@code mlp}); upper bound of the embedding width ({@code
 *     tokens}); model width d_model ({@code encoder}, must be a multiple of {@code attentionHeads})
 * @param depth number of hidden layers ({@code mlp}); number of encoder layers ({@code encoder})
 * @param trees number of trees ({@code trees})
 * @param treeDepth depth of every tree, counted in branch levels ({@code trees})
 * @param classes number of classes ({@code trees}, {@code conv})
 * @param imageSize image height and width ({@code conv}, {@code mobilenet}); must be at least
 *     {@code 2^convolutionBlocks} for {@code conv}
 * @param convolutionBlocks number of convolution blocks, each halving the image side ({@code
 *     conv}); number of stages after the stem, each halving the side and doubling the channels
 *     ({@code mobilenet})
 * @param convolutionChannels output channels of the first convolution block, doubled by every
 *     further block ({@code conv}); output channels of the stem ({@code mobilenet})
 * @param sequenceLength number of token ids per row ({@code tokens})
 * @param vocabulary number of embedding rows; valid token ids are {@code [0, vocabulary)} ({@code
 *     tokens}, {@code encoder})
 * @param attentionHeads attention heads per encoder layer ({@code encoder})
 * @param feedForwardWidth inner width of each encoder layer's feed-forward block ({@code encoder})
 * @param maximumLength rows of the positional embedding table, the longest accepted sequence
 *     ({@code encoder})
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
    int convolutionBlocks,
    int convolutionChannels,
    int sequenceLength,
    int vocabulary,
    int attentionHeads,
    int feedForwardWidth,
    int maximumLength,
    long seed) {

  public ModelOptions {
    requirePositive("features", features);
    requirePositive("hidden", hidden);
    requirePositive("depth", depth);
    requirePositive("trees", trees);
    requirePositive("treeDepth", treeDepth);
    requirePositive("classes", classes);
    requirePositive("imageSize", imageSize);
    requirePositive("convolutionBlocks", convolutionBlocks);
    requirePositive("convolutionChannels", convolutionChannels);
    requirePositive("sequenceLength", sequenceLength);
    requirePositive("vocabulary", vocabulary);
    requirePositive("attentionHeads", attentionHeads);
    requirePositive("feedForwardWidth", feedForwardWidth);
    requirePositive("maximumLength", maximumLength);
  }

  /**
   * features 32, hidden 64, depth 2, trees 20, treeDepth 4, classes 3, imageSize 16,
   * convolutionBlocks 3, convolutionChannels 32, sequenceLength 16, vocabulary 8192, attentionHeads
   * 4, feedForwardWidth 256, maximumLength 128, seed 42.
   */
  public static ModelOptions defaults() {
    return new ModelOptions(32, 64, 2, 20, 4, 3, 16, 3, 32, 16, 8192, 4, 256, 128, 42L);
  }

  /**
   * The {@link #defaults()} with a kind's own sizes where it has them: {@code mobilenet} is shaped
   * for ImageNet, imageSize {@value DepthwiseSeparableModel#DEFAULT_IMAGE_SIZE}, classes {@value
   * DepthwiseSeparableModel#DEFAULT_CLASSES}, convolutionChannels {@value
   * DepthwiseSeparableModel#DEFAULT_STEM_CHANNELS} and convolutionBlocks {@value
   * DepthwiseSeparableModel#DEFAULT_STAGES}.
   */
  public static ModelOptions defaultsFor(ModelKind kind) {
    return switch (kind) {
      case MOBILENET ->
          defaults()
              .withImageSize(DepthwiseSeparableModel.DEFAULT_IMAGE_SIZE)
              .withClasses(DepthwiseSeparableModel.DEFAULT_CLASSES)
              .withConvolutionChannels(DepthwiseSeparableModel.DEFAULT_STEM_CHANNELS)
              .withConvolutionBlocks(DepthwiseSeparableModel.DEFAULT_STAGES);
      case MLP, LINEAR, TREES, CONV, TOKENS, ENCODER -> defaults();
    };
  }

  public ModelOptions withFeatures(int value) {
    return new ModelOptions(
        value,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withHidden(int value) {
    return new ModelOptions(
        features,
        value,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withDepth(int value) {
    return new ModelOptions(
        features,
        hidden,
        value,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withTrees(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        value,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withTreeDepth(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        value,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withClasses(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        value,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withImageSize(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        value,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withConvolutionBlocks(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        value,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withConvolutionChannels(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        value,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withSequenceLength(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        value,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withVocabulary(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        value,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withAttentionHeads(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        value,
        feedForwardWidth,
        maximumLength,
        seed);
  }

  public ModelOptions withFeedForwardWidth(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        value,
        maximumLength,
        seed);
  }

  public ModelOptions withMaximumLength(int value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        value,
        seed);
  }

  public ModelOptions withSeed(long value) {
    return new ModelOptions(
        features,
        hidden,
        depth,
        trees,
        treeDepth,
        classes,
        imageSize,
        convolutionBlocks,
        convolutionChannels,
        sequenceLength,
        vocabulary,
        attentionHeads,
        feedForwardWidth,
        maximumLength,
        value);
  }

  private static void requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
  }
}
