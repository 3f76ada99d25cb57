package io.lakebatch.udf;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One ONNX Runtime session per JVM per model (sha256) and thread count, shared by all tasks of the
 * executor ({@code OrtSession.run} is thread-safe). Sessions are closed when the JVM exits.
 */
public final class OrtSessionCache {
  private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(OrtSessionCache::closeAll, "lakebatch-ort-close"));
  }

  private OrtSessionCache() {}

  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /** The shared session for a model, loaded on first use. */
  public static OrtSession session(ModelHandle handle) {
    return SESSIONS.computeIfAbsent(handle.sha256() + "/" + handle.intraOpThreads(), key -> load(handle));
  }

  /** Loads a session from bytes already read (the driver's preflight), not cached. */
  public static OrtSession open(String uri, byte[] model, int intraOpThreads) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return environment().createSession(model, options);
    } catch (OrtException | RuntimeException e) {
      throw LakeBatchErrors.modelUnreadable(uri, e);
    }
  }

  private static OrtSession load(ModelHandle handle) {
    byte[] bytes = ModelFiles.read(handle.uri());
    String actual = ModelFiles.sha256(bytes);
    if (!actual.equals(handle.sha256())) {
      throw LakeBatchErrors.modelMismatch(
          "model.path",
          "model file " + handle.uri() + " changed while the job ran (sha256 " + actual + ", planned "
              + handle.sha256() + "); rerun the job to plan against the new file");
    }
    return open(handle.uri(), bytes, handle.intraOpThreads());
  }

  static void closeAll() {
    SESSIONS.values().forEach(s -> {
      try {
        s.close();
      } catch (OrtException | RuntimeException ignored) {
        // closing at JVM exit: nothing useful to do with a failure
      }
    });
    SESSIONS.clear();
  }
}
