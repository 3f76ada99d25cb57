package io.lakebatch.submit.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.udf.ModelFiles;
import io.lakebatch.udf.OrtSessionCache;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.api.java.UDF1;
import scala.collection.Seq;

/**
 * Path (c), the baseline a user writes first: a Spark SQL UDF over {@code array(f0, ..., fk)} that
 * builds a {@code [1, k]} tensor and calls ONNX Runtime once per row. The only care taken is one
 * session per JVM per model (a per-row session would not finish); it is kept in a static holder,
 * created on first use under the map's lock and closed by {@link #closeSessions()}.
 */
final class NaivePerRowOrtUdf implements UDF1<Seq<Float>, Float> {
  private static final long serialVersionUID = 1L;
  private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();

  private final String modelPath;
  private final String inputName;

  NaivePerRowOrtUdf(String modelPath, String inputName) {
    this.modelPath = requireNonNull(modelPath, "modelPath is null");
    this.inputName = requireNonNull(inputName, "inputName is null");
  }

  @Override
  public Float call(Seq<Float> features) throws OrtException {
    float[] row = new float[features.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = features.apply(i);
    }
    OrtEnvironment env = OrtSessionCache.environment();
    try (OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {row});
        OrtSession.Result result = session(modelPath).run(Map.of(inputName, input))) {
      return ((float[][]) result.get(0).getValue())[0][0];
    }
  }

  private static OrtSession session(String modelPath) {
    return SESSIONS.computeIfAbsent(modelPath, path -> OrtSessionCache.open(path, ModelFiles.read(path), 1));
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
