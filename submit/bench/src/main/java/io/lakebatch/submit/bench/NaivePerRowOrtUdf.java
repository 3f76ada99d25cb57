package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.OrtSessionCache;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Path (c), the baseline a user writes first: a Spark SQL UDF over one column ({@code array(f0,
 * ..., fk)}, the image array or the text) that builds a batch of one row ({@link SingleRowFeed})
 * and calls ONNX Runtime once per row. The only care taken is one session per JVM per model (a
 * per-row session would not finish); it is kept in a static holder, created on first use under the
 * map's lock and closed by {@link #closeSessions()}.
 */
final class NaivePerRowOrtUdf implements UDF1<Object, Object> {
  private static final long serialVersionUID = 1L;
  private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();

  private final String modelPath;
  private final SingleRowFeed feed;
  private final String outputName;
  private final int outputWidth;

  /**
   * @param outputWidth values of {@code outputName} per row: 1 returns a {@code float}, more an
   *     {@code array<float>}
   */
  NaivePerRowOrtUdf(String modelPath, SingleRowFeed feed, String outputName, int outputWidth) {
    this.modelPath = requireNonNull(modelPath, "modelPath is null");
    this.feed = requireNonNull(feed, "feed is null");
    this.outputName = requireNonNull(outputName, "outputName is null");
    this.outputWidth = outputWidth;
  }

  /** The UDF's Spark result type. */
  DataType resultType() {
    return outputWidth == 1
        ? DataTypes.FloatType
        : DataTypes.createArrayType(DataTypes.FloatType, false);
  }

  @Override
  public Object call(Object value) throws OrtException {
    Map<String, OnnxTensor> inputs = feed.tensors(OrtSessionCache.environment(), value);
    try (OrtSession.Result result = session(modelPath).run(inputs, Set.of(outputName))) {
      FloatBuffer scores = ((OnnxTensor) result.get(0)).getFloatBuffer();
      if (outputWidth == 1) {
        return scores.get(0);
      }
      float[] row = new float[scores.remaining()];
      scores.get(row);
      return row;
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static OrtSession session(String modelPath) {
    return SESSIONS.computeIfAbsent(
        modelPath, path -> OrtSessionCache.open(path, ModelFiles.read(path), 1));
  }

  /** Closes the sessions this JVM opened; call when no Spark job uses the UDF any more. */
  static void closeSessions() {
    for (String path : SESSIONS.keySet()) {
      OrtSession session = SESSIONS.remove(path);
      if (session != null) {
        try {
          session.close();
        } catch (OrtException e) {
          throw new IllegalStateException("could not close the ONNX Runtime session of " + path, e);
        }
      }
    }
  }
}
