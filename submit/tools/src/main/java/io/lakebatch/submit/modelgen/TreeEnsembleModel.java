package io.lakebatch.submit.modelgen;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The {@code trees} kind: input {@code features} float [N, features]; an {@code ai.onnx.ml}
 * TreeEnsembleClassifier then ZipMap. Outputs {@code label} int64 [N] and {@code probabilities}
 * seq(map(int64, float)), the layout skl2onnx emits for scikit-learn classifiers.
 *
 * <p>With two classes ONNX Runtime's TreeEnsembleClassifier mislabels: given weights for both
 * classes it labels every row 1 (its binary rule is "score of class 1 > 0"), and given class-1
 * weights only it reports class 0's probability as 0. So for two classes the graph keeps both
 * weights and derives {@code label} with {@code ArgMax(axis 1)} over the probability tensor
 * instead; for three or more classes {@code label} is the classifier's own output (also the
 * arg-max, lowest index on ties).
 */
public final class TreeEnsembleModel {

  public static final String INPUT_NAME = "features";
  public static final String LABEL_OUTPUT_NAME = "label";
  public static final String PROBABILITIES_OUTPUT_NAME = "probabilities";

  private static final String PROBABILITY_TENSOR = "probability_tensor";

  private TreeEnsembleModel() {}

  static ModelProto build(ModelOptions options) {
    return build(TreeEnsembleSpec.fromOptions(options), options);
  }

  static ModelProto build(TreeEnsembleSpec spec, ModelOptions options) {
    String batch = OnnxGraphBuilder.BATCH_DIMENSION;
    OnnxGraphBuilder graph =
        new OnnxGraphBuilder("lakebatch_trees")
            .input(INPUT_NAME, OnnxGraphBuilder.tensorType(DataType.FLOAT, batch, spec.features()))
            .output(LABEL_OUTPUT_NAME, OnnxGraphBuilder.tensorType(DataType.INT64, batch))
            .output(
                PROBABILITIES_OUTPUT_NAME,
                OnnxGraphBuilder.sequenceOfMapsType(DataType.INT64, DataType.FLOAT));

    List<Long> nodeTreeIds = new ArrayList<>();
    List<Long> nodeIds = new ArrayList<>();
    List<Long> nodeFeatureIds = new ArrayList<>();
    List<Float> nodeValues = new ArrayList<>();
    List<String> nodeModes = new ArrayList<>();
    List<Long> trueNodeIds = new ArrayList<>();
    List<Long> falseNodeIds = new ArrayList<>();
    List<Long> classTreeIds = new ArrayList<>();
    List<Long> classNodeIds = new ArrayList<>();
    List<Long> classIds = new ArrayList<>();
    List<Float> classWeights = new ArrayList<>();

    for (int treeId = 0; treeId < spec.trees().size(); treeId++) {
      DecisionTree tree = spec.trees().get(treeId);
      for (int node = 0; node < tree.nodeCount(); node++) {
        nodeTreeIds.add((long) treeId);
        nodeIds.add((long) node);
        if (node < tree.branchCount()) {
          nodeFeatureIds.add((long) tree.featureId(node));
          nodeValues.add(tree.threshold(node));
          nodeModes.add("BRANCH_LEQ");
          trueNodeIds.add(2L * node + 1);
          falseNodeIds.add(2L * node + 2);
        } else {
          nodeFeatureIds.add(0L);
          nodeValues.add(0.0f);
          nodeModes.add("LEAF");
          trueNodeIds.add(0L);
          falseNodeIds.add(0L);
          int leaf = node - tree.branchCount();
          for (int classIndex = 0; classIndex < spec.classes(); classIndex++) {
            classTreeIds.add((long) treeId);
            classNodeIds.add((long) node);
            classIds.add((long) classIndex);
            classWeights.add(tree.leafWeight(leaf, classIndex));
          }
        }
      }
    }

    long[] classLabels = LongStream.range(0, spec.classes()).toArray();
    boolean binary = spec.classes() == 2;
    String classifierLabel = binary ? "classifier_label" : LABEL_OUTPUT_NAME;
    graph.node(
        OnnxGraphBuilder.ML_DOMAIN,
        "TreeEnsembleClassifier",
        List.of(INPUT_NAME),
        List.of(classifierLabel, PROBABILITY_TENSOR),
        OnnxGraphBuilder.intsAttribute("nodes_treeids", longs(nodeTreeIds)),
        OnnxGraphBuilder.intsAttribute("nodes_nodeids", longs(nodeIds)),
        OnnxGraphBuilder.intsAttribute("nodes_featureids", longs(nodeFeatureIds)),
        OnnxGraphBuilder.floatsAttribute("nodes_values", floats(nodeValues)),
        OnnxGraphBuilder.stringsAttribute("nodes_modes", nodeModes),
        OnnxGraphBuilder.intsAttribute("nodes_truenodeids", longs(trueNodeIds)),
        OnnxGraphBuilder.intsAttribute("nodes_falsenodeids", longs(falseNodeIds)),
        OnnxGraphBuilder.intsAttribute("class_treeids", longs(classTreeIds)),
        OnnxGraphBuilder.intsAttribute("class_nodeids", longs(classNodeIds)),
        OnnxGraphBuilder.intsAttribute("class_ids", longs(classIds)),
        OnnxGraphBuilder.floatsAttribute("class_weights", floats(classWeights)),
        OnnxGraphBuilder.intsAttribute("classlabels_int64s", classLabels),
        OnnxGraphBuilder.stringAttribute("post_transform", "NONE"));
    if (binary) {
      graph.node(
          "ArgMax",
          List.of(PROBABILITY_TENSOR),
          List.of(LABEL_OUTPUT_NAME),
          OnnxGraphBuilder.intAttribute("axis", 1),
          OnnxGraphBuilder.intAttribute("keepdims", 0));
    }
    graph.node(
        OnnxGraphBuilder.ML_DOMAIN,
        "ZipMap",
        List.of(PROBABILITY_TENSOR),
        List.of(PROBABILITIES_OUTPUT_NAME),
        OnnxGraphBuilder.intsAttribute("classlabels_int64s", classLabels));
    return graph.build(description(options), true);
  }

  static String description(ModelOptions options) {
    return "Trees: "
        + INPUT_NAME
        + " float[N,"
        + options.features()
        + "] -> TreeEnsembleClassifier ("
        + options.trees()
        + " trees of depth "
        + options.treeDepth()
        + ", "
        + options.classes()
        + " classes) -> "
        + LABEL_OUTPUT_NAME
        + " int64[N], ZipMap -> "
        + PROBABILITIES_OUTPUT_NAME
        + " seq(map(int64,float)); seed "
        + options.seed();
  }

  private static long[] longs(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] floats(List<Float> values) {
    float[] result = new float[values.size()];
    for (int index = 0; index < result.length; index++) {
      result[index] = values.get(index);
    }
    return result;
  }
}
