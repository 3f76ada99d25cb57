package io.lakebatch.udf;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.Serializable;
import java.util.Objects;

/**
 * How ONNX Runtime executes a model, part of the session cache key: two tasks asking for different
 * thread counts or optimisation levels get different sessions.
 *
 * @param intraOpThreads threads one operator may use, sized so concurrent tasks x threads fit the
 *     executor's cores
 * @param interOpThreads threads running independent operators at once (only with {@link
 *     ExecutionMode#PARALLEL})
 * @param executionMode sequential or parallel operator execution
 * @param optimization graph optimisation level
 */
public record SessionOptions(
    int intraOpThreads, int interOpThreads, ExecutionMode executionMode, OptLevel optimization)
    implements Serializable {
  public SessionOptions {
    if (intraOpThreads <= 0) {
      throw new IllegalArgumentException(
          "Invalid intra-op threads (negative or 0): " + intraOpThreads);
    }
    if (interOpThreads <= 0) {
      throw new IllegalArgumentException(
          "Invalid inter-op threads (negative or 0): " + interOpThreads);
    }
    Objects.requireNonNull(executionMode, "executionMode is null");
    Objects.requireNonNull(optimization, "optimization is null");
  }

  /** LakeBatch's defaults: sequential execution, every graph optimisation, one inter-op thread. */
  public static SessionOptions withIntraOpThreads(int intraOpThreads) {
    return new SessionOptions(intraOpThreads, 1, ExecutionMode.SEQUENTIAL, OptLevel.ALL_OPT);
  }

  /** ONNX Runtime options for these settings on {@code device}; the caller closes them. */
  OrtSession.SessionOptions toOrt(Device device) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(interOpThreads);
      options.setExecutionMode(executionMode);
      options.setOptimizationLevel(optimization);
      if (!(device instanceof Device.Cpu)) { // the CPU is ONNX Runtime's default provider
        throw new IllegalArgumentException(
            "no ONNX Runtime execution provider for device " + device.label());
      }
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }
}
