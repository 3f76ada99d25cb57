package io.lakebatch.catalog.model;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A spec's model inputs and outputs resolved against the input table schema and the model's
 * signature: everything the executor needs to turn rows into tensors and tensors into columns.
 */
public record ModelBinding(List<TensorFeed> feeds, List<OutputColumn> outputs)
    implements Serializable {
  public ModelBinding {
    feeds = List.copyOf(feeds);
    outputs = List.copyOf(outputs);
  }

  /** All input columns the model reads, in first-use order. */
  public Set<String> featureColumns() {
    Set<String> columns = new LinkedHashSet<>();
    feeds.forEach(f -> columns.addAll(f.columns()));
    return columns;
  }
}
