package io.lakebatch.catalog.model;

import java.util.List;
import java.util.Optional;

/** The inputs and outputs an ONNX model declares, in graph order. */
public record ModelSignature(List<ValueSignature> inputs, List<ValueSignature> outputs) {
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public Optional<ValueSignature> input(String name) {
    return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
  }

  public List<String> inputNames() {
    return inputs.stream().map(ValueSignature::name).toList();
  }

  public List<String> outputNames() {
    return outputs.stream().map(ValueSignature::name).toList();
  }
}
