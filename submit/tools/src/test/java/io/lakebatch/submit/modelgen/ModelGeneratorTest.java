package io.lakebatch.submit.modelgen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelGeneratorTest {

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(ModelKind.class)
  void sameSeedWritesIdenticalBytesAndDifferentSeedDoesNot(ModelKind kind) throws Exception {
    ModelOptions options = ModelOptions.defaults().withFeatures(8).withHidden(16);
    ModelInfo first =
        ModelGenerator.write(kind, options, directory.resolve("first/" + kind + ".onnx"));
    ModelInfo second =
        ModelGenerator.write(kind, options, directory.resolve("second/" + kind + ".onnx"));
    ModelInfo reseeded =
        ModelGenerator.write(
            kind, options.withSeed(43), directory.resolve("third/" + kind + ".onnx"));

    String firstDigest = sha256(first.path());
    assertThat(sha256(second.path())).isEqualTo(firstDigest);
    assertThat(sha256(reseeded.path())).isNotEqualTo(firstDigest);
  }

  @ParameterizedTest
  @EnumSource(ModelKind.class)
  void reportedNamesMatchTheSessionAndDescriptionIsSet(ModelKind kind) throws Exception {
    ModelInfo info =
        ModelGenerator.write(
            kind,
            ModelOptions.defaults().withFeatures(6),
            directory.resolve("a/b/c/" + kind + ".onnx"));
    assertThat(info.kind()).isEqualTo(kind);
    assertThat(info.path()).exists();
    assertThat(info.description()).isNotBlank();
    try (OrtSession session = OnnxRuntimeSupport.open(info.path())) {
      assertThat(session.getInputNames()).containsExactlyElementsOf(info.inputNames());
      assertThat(session.getOutputNames()).containsExactlyElementsOf(info.outputNames());
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
