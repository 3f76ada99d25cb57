package io.lakebatch.submit.modelgen;

/**
 * Output of {@link TreeEnsembleReference} for one row.
 *
 * @param label index of the highest probability (lowest index on ties)
 * @param probabilities per-class probabilities, indexed by class label
 */
public record TreePrediction(long label, float[] probabilities) {

  public TreePrediction {
    probabilities = probabilities.clone();
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }
}
