package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures single-threaded per-row cost of the model profiles; prints numbers, asserts nothing
 * about time. Opt-in because it takes tens of seconds and depends on the machine: {@code mvn -o -pl
 * submit -am test -Dtest=ModelProfileCostMeasurement -Dlakebatch.measure=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "lakebatch.measure", matches = "true")
class ModelProfileCostMeasurement {

  private static final int MLP_BATCH = 1024;
  private static final int CONV_BATCH = 64;
  private static final int ENCODER_BATCH = 64;
  private static final int MOBILENET_BATCH = 32;
  private static final long MINIMUM_NANOS = 3_000_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @TempDir Path directory;

  @Test
  void convolutionalProfileCostsAboutAThousandMultilayerPerceptronRows() throws Exception {
    ModelOptions mlp = ModelOptions.defaults().withFeatures(64).withHidden(256).withDepth(3);
    ModelOptions conv = ModelOptions.defaults().withImageSize(64);
    double mlpNanos =
        perRowNanos(
            ModelGenerator.write(ModelKind.MLP, mlp, directory.resolve("mlp.onnx")),
            "features",
            floats(MLP_BATCH, 64),
            MLP_BATCH);
    double convNanos =
        perRowNanos(
            ModelGenerator.write(ModelKind.CONV, conv, directory.resolve("conv.onnx")),
            "image",
            floats(CONV_BATCH, 3, 64, 64),
            CONV_BATCH);
    System.out.printf(
        "mlp 64-256x3: %.3f us/row; conv 64x64: %.1f us/row; ratio %.0f%n",
        mlpNanos / 1e3, convNanos / 1e3, convNanos / mlpNanos);
    assertThat(convNanos).isPositive();
  }

  @Test
  void mobileNetCostAtImageNetSize() throws Exception {
    ModelOptions options = ModelOptions.defaultsFor(ModelKind.MOBILENET);
    int side = options.imageSize();
    double nanos =
        perRowNanos(
            ModelGenerator.write(ModelKind.MOBILENET, options, directory.resolve("mobilenet.onnx")),
            "image",
            floats(MOBILENET_BATCH, 3, side, side),
            MOBILENET_BATCH);
    System.out.printf(
        "mobilenet %dx%d: %.2f ms/row (%.0f rows/s per core)%n",
        side, side, nanos / 1e6, 1e9 / nanos);
    assertThat(nanos).isPositive();
  }

  @Test
  void encoderCostGrowsWithSequenceLength() throws Exception {
    ModelInfo info =
        ModelGenerator.write(
            ModelKind.ENCODER, ModelOptions.defaults(), directory.resolve("encoder.onnx"));
    TokenBatch batch = TokenBatch.random(new SplittableRandom(1), ENCODER_BATCH, 128, 8192);
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      for (int length : new int[] {16, 64, 128}) {
        long[][][] idsAndMask = batch.padded(length);
        try (OnnxTensor ids =
                OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, idsAndMask[0]);
            OnnxTensor mask =
                OnnxTensor.createTensor(OnnxRuntimeSupport.ENVIRONMENT, idsAndMask[1])) {
          double nanos =
              perRowNanos(session, Map.of("input_ids", ids, "attention_mask", mask), ENCODER_BATCH);
          System.out.printf("encoder S=%d: %.1f us/row%n", length, nanos / 1e3);
        }
      }
    }
  }

  private static double perRowNanos(ModelInfo info, String input, OnnxTensorData data, int batch)
      throws OrtException {
    try (OrtSession session = OnnxRuntimeSupport.open(info.path());
        OnnxTensor tensor =
            OnnxTensor.createTensor(
                OnnxRuntimeSupport.ENVIRONMENT, FloatBuffer.wrap(data.values()), data.shape())) {
      return perRowNanos(session, Map.of(input, tensor), batch);
    }
  }

  /**
   * Median CPU time of the calling thread per batch, over at least {@link #MINIMUM_NANOS} of runs
   * after warm-up, divided by the batch size. With one intra-op thread ONNX Runtime computes on the
   * calling thread, and CPU time, unlike wall time, does not grow when other processes share the
   * cores.
   */
  private static double perRowNanos(OrtSession session, Map<String, OnnxTensor> inputs, int batch)
      throws OrtException {
    for (int warmUp = 0; warmUp < 3; warmUp++) {
      session.run(inputs).close();
    }
    long[] samples = new long[1000];
    int count = 0;
    long started = System.nanoTime();
    while (count < samples.length && (count < 5 || System.nanoTime() - started < MINIMUM_NANOS)) {
      long start = THREADS.getCurrentThreadCpuTime();
      session.run(inputs).close();
      samples[count++] = THREADS.getCurrentThreadCpuTime() - start;
    }
    long[] measured = Arrays.copyOf(samples, count);
    Arrays.sort(measured);
    return (double) measured[count / 2] / batch;
  }

  private static OnnxTensorData floats(int... shape) {
    int count = Arrays.stream(shape).reduce(1, (left, right) -> left * right);
    float[] values = new float[count];
    SplittableRandom random = new SplittableRandom(11);
    for (int index = 0; index < count; index++) {
      values[index] = random.nextInt(256) / 255f;
    }
    return new OnnxTensorData(values, Arrays.stream(shape).asLongStream().toArray());
  }

  private record OnnxTensorData(float[] values, long[] shape) {}
}
