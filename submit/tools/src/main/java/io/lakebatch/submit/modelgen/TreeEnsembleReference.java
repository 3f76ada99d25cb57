package io.lakebatch.submit.modelgen;

import java.util.Objects;

/**
 * Plain Java evaluation of a {@link TreeEnsembleSpec} with the semantics of ONNX {@code
 * TreeEnsembleClassifier} ({@code BRANCH_LEQ}, class weights summed over trees, {@code
 * post_transform NONE}, label by arg-max).
 */
public final class TreeEnsembleReference {

  private final TreeEnsembleSpec spec;

  public TreeEnsembleReference(TreeEnsembleSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  public TreePrediction predict(float[] row) {
    if (row.length != spec.features()) {
      throw new IllegalArgumentException(
          "row must have " + spec.features() + " features, got " + row.length);
    }
    float[] probabilities = new float[spec.classes()];
    for (DecisionTree tree : spec.trees()) {
      int leaf = tree.leafFor(row);
      for (int classIndex = 0; classIndex < probabilities.length; classIndex++) {
        probabilities[classIndex] += tree.leafWeight(leaf, classIndex);
      }
    }
    int best = 0;
    for (int classIndex = 1; classIndex < probabilities.length; classIndex++) {
      if (probabilities[classIndex] > probabilities[best]) {
        best = classIndex;
      }
    }
    return new TreePrediction(best, probabilities);
  }
}
