package io.lakebatch.submit.modelgen;

import java.util.Arrays;

/**
 * A fully connected layer {@code y = W x + b} stored the way ONNX {@code Gemm} with {@code transB =
 * 1} reads it.
 *
 * @param inputs input width
 * @param outputs output width
 * @param weights row-major {@code [outputs, inputs]}
 * @param bias {@code [outputs]}
 */
public record DenseLayer(int inputs, int outputs, float[] weights, float[] bias) {

  public DenseLayer {
    if (inputs <= 0 || outputs <= 0) {
      throw new IllegalArgumentException(
          "inputs and outputs must be positive, got " + inputs + " and " + outputs);
    }
    if (weights.length != inputs * outputs) {
      throw new IllegalArgumentException(
          "weights must hold inputs * outputs = "
              + inputs * outputs
              + " values, got "
              + weights.length);
    }
    if (bias.length != outputs) {
      throw new IllegalArgumentException(
          "bias must hold " + outputs + " values, got " + bias.length);
    }
    weights = weights.clone();
    bias = bias.clone();
  }

  @Override
  public float[] weights() {
    return weights.clone();
  }

  @Override
  public float[] bias() {
    return bias.clone();
  }

  /** Weight connecting input {@code input} to output {@code output}. */
  public float weight(int output, int input) {
    return weights[output * inputs + input];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DenseLayer layer
        && inputs == layer.inputs
        && outputs == layer.outputs
        && Arrays.equals(weights, layer.weights)
        && Arrays.equals(bias, layer.bias);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * inputs + outputs) + Arrays.hashCode(weights)) + Arrays.hashCode(bias);
  }

  @Override
  public String toString() {
    return "DenseLayer[inputs=" + inputs + ", outputs=" + outputs + "]";
  }
}
