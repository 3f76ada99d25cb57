package io.lakebatch.submit.modelgen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded random forest behind the {@code trees} kind, shared by the ONNX writer and {@link
 * TreeEnsembleReference}.
 *
 * <p>Each branch tests a random feature against a threshold in (-1, 1). Each leaf holds random
 * positive class weights normalized to sum to one and then divided by the tree count, so the summed
 * ensemble output (ONNX Runtime sums over trees) is the average of the per-tree distributions and
 * sums to one per row, like a scikit-learn forest.
 *
 * @param features number of input features
 * @param classes number of classes, labelled {@code 0 .. classes-1}; at least 2
 * @param trees the trees, in ONNX tree id order
 */
public record TreeEnsembleSpec(int features, int classes, List<DecisionTree> trees) {

  /** Deepest tree accepted; a tree of depth d has 2^(d+1) - 1 nodes. */
  public static final int MAXIMUM_TREE_DEPTH = 16;

  public TreeEnsembleSpec {
    if (features <= 0) {
      throw new IllegalArgumentException("features must be positive, got " + features);
    }
    if (classes < 2) {
      throw new IllegalArgumentException(
          "classes must be at least 2 for the trees model, got " + classes);
    }
    trees = List.copyOf(trees);
    if (trees.isEmpty()) {
      throw new IllegalArgumentException("trees must not be empty");
    }
  }

  /**
   * Builds the forest fixed by {@code options.seed()}, {@code trees}, {@code treeDepth}, {@code
   * features} and {@code classes}.
   */
  public static TreeEnsembleSpec fromOptions(ModelOptions options) {
    if (options.treeDepth() > MAXIMUM_TREE_DEPTH) {
      throw new IllegalArgumentException(
          "treeDepth must be at most " + MAXIMUM_TREE_DEPTH + ", got " + options.treeDepth());
    }
    SplittableRandom random = new SplittableRandom(options.seed());
    List<DecisionTree> trees = new ArrayList<>(options.trees());
    for (int tree = 0; tree < options.trees(); tree++) {
      trees.add(randomTree(random, options));
    }
    return new TreeEnsembleSpec(options.features(), options.classes(), trees);
  }

  private static DecisionTree randomTree(SplittableRandom random, ModelOptions options) {
    int branches = (1 << options.treeDepth()) - 1;
    int[] featureIds = new int[branches];
    float[] thresholds = new float[branches];
    for (int node = 0; node < branches; node++) {
      featureIds[node] = random.nextInt(options.features());
      thresholds[node] = (float) random.nextDouble(-1.0, 1.0);
    }
    int classes = options.classes();
    float[] leafWeights = new float[(branches + 1) * classes];
    double[] raw = new double[classes];
    for (int leaf = 0; leaf <= branches; leaf++) {
      double total = 0.0;
      for (int classIndex = 0; classIndex < classes; classIndex++) {
        raw[classIndex] = random.nextDouble(0.05, 1.0);
        total += raw[classIndex];
      }
      for (int classIndex = 0; classIndex < classes; classIndex++) {
        leafWeights[leaf * classes + classIndex] =
            (float) (raw[classIndex] / total / options.trees());
      }
    }
    return new DecisionTree(options.treeDepth(), classes, featureIds, thresholds, leafWeights);
  }
}
