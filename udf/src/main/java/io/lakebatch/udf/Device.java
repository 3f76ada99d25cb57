package io.lakebatch.udf;

import java.io.Serializable;

/**
 * Where ONNX Runtime runs a session: part of the session cache key, so one model on two devices is
 * two sessions. Only the CPU exists today; a CUDA device (an executor's GPU address from Spark's
 * resource scheduling) becomes one more record of this interface.
 */
public sealed interface Device extends Serializable permits Device.Cpu {
  /** The executor's CPU, ONNX Runtime's default execution provider. */
  Device CPU = new Cpu();

  /** A short name for logs and error messages, e.g. {@code cpu}. */
  String label();

  /** The CPU execution provider. */
  record Cpu() implements Device {
    @Override
    public String label() {
      return "cpu";
    }
  }
}
