package io.lakebatch.submit.modelgen;

/**
 * One complete binary decision tree stored in heap order: node {@code i} has children {@code 2i+1}
 * (taken when {@code x[featureId(i)] <= threshold(i)}) and {@code 2i+2}. Nodes {@code 0 ..
 * branchCount()-1} are branches, the following {@code leafCount()} nodes are leaves.
 *
 * @param depth number of branch levels; the tree has {@code 2^depth} leaves
 * @param classes number of classes in each leaf's weight vector
 * @param featureIds feature index tested by each branch node
 * @param thresholds threshold of each branch node
 * @param leafWeights row-major {@code [leafCount, classes]} class weights exactly as written to
 *     ONNX
 */
public record DecisionTree(
    int depth, int classes, int[] featureIds, float[] thresholds, float[] leafWeights) {

  public DecisionTree {
    if (depth <= 0 || classes <= 0) {
      throw new IllegalArgumentException(
          "depth and classes must be positive, got " + depth + " and " + classes);
    }
    int branches = (1 << depth) - 1;
    if (featureIds.length != branches || thresholds.length != branches) {
      throw new IllegalArgumentException(
          "a tree of depth " + depth + " needs " + branches + " branch nodes");
    }
    if (leafWeights.length != (branches + 1) * classes) {
      throw new IllegalArgumentException(
          "leafWeights must hold leafCount * classes = "
              + (branches + 1) * classes
              + " values, got "
              + leafWeights.length);
    }
    featureIds = featureIds.clone();
    thresholds = thresholds.clone();
    leafWeights = leafWeights.clone();
  }

  public int branchCount() {
    return featureIds.length;
  }

  public int leafCount() {
    return featureIds.length + 1;
  }

  public int nodeCount() {
    return branchCount() + leafCount();
  }

  public int featureId(int branchNode) {
    return featureIds[branchNode];
  }

  public float threshold(int branchNode) {
    return thresholds[branchNode];
  }

  public float leafWeight(int leaf, int classIndex) {
    return leafWeights[leaf * classes + classIndex];
  }

  /** Index in {@code [0, leafCount())} of the leaf that {@code row} reaches. */
  public int leafFor(float[] row) {
    int node = 0;
    while (node < branchCount()) {
      node = row[featureIds[node]] <= thresholds[node] ? 2 * node + 1 : 2 * node + 2;
    }
    return node - branchCount();
  }

  @Override
  public int[] featureIds() {
    return featureIds.clone();
  }

  @Override
  public float[] thresholds() {
    return thresholds.clone();
  }

  @Override
  public float[] leafWeights() {
    return leafWeights.clone();
  }
}
