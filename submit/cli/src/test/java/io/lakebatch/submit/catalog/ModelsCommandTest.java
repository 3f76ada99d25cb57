package io.lakebatch.submit.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
  @TempDir Path dir;
  Path model;

  @BeforeEach
  void home() {
    System.setProperty("lakebatch.home", dir.resolve("home").toString());
    model = dir.resolve("models").resolve("eta.onnx");
    ModelGenerator.write(
        ModelKind.MLP, ModelOptions.defaults().withFeatures(4).withHidden(8).withDepth(1), model);
  }

  @AfterEach
  void clearHome() {
    System.clearProperty("lakebatch.home");
  }

  @Test
  void registersVersionsAndListsAndShowsThem() {
    Cli.Result first = Cli.run("models", "register", "eta", model.toString());
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out())
        .startsWith("registered eta@1 (sha256 ")
        .contains("inputs features float[N,4]")
        .contains("outputs score float[N,1]");

    // a relative path with '..' is recorded absolute and normalized
    Path relative =
        Path.of("").toAbsolutePath().relativize(model.getParent()).resolve("../models/eta.onnx");
    Cli.Result second =
        Cli.run("models", "register", "eta", relative.toString(), "--description", "retrained");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).startsWith("registered eta@2 ");

    Cli.Result list = Cli.run("models", "list");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out().lines()).hasSize(2);
    assertThat(list.out().lines().skip(1).findFirst().orElseThrow())
        .startsWith("eta")
        .contains(" 2 ")
        .contains(model.toString());

    Cli.Result v1 = Cli.run("models", "show", "eta@1");
    assertThat(v1.exitCode()).as(v1.toString()).isZero();
    assertThat(v1.out())
        .contains("eta@1 (latest is eta@2)")
        .contains("uri            " + model)
        .containsPattern("sha256 +[0-9a-f]{64}")
        .contains("versions       1, 2")
        .containsPattern("inputs\\R  features  float\\[N,4\\]")
        .containsPattern("outputs\\R  score  float\\[N,1\\]")
        .contains("description    -");

    Cli.Result latest = Cli.run("models", "show", "eta");
    assertThat(latest.exitCode()).as(latest.toString()).isZero();
    assertThat(latest.out())
        .contains("eta@2 (latest)")
        .contains("retrained")
        .contains("uri            " + model);
    assertThat(Cli.run("models", "show", "eta@latest").out()).isEqualTo(latest.out());
  }

  @Test
  void corruptModelIsADataErrorAndRegistersNothing() throws Exception {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    Path bad = Files.write(dir.resolve("x.onnx"), junk);

    Cli.Result result = Cli.run("models", "register", "eta", bad.toString());
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.err()).contains(bad.toString());

    Cli.Result list = Cli.run("models", "list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).startsWith("no models registered");
  }

  @Test
  void missingFileIsAUsageError() {
    Path missing = dir.resolve("nowhere.onnx");
    Cli.Result result = Cli.run("models", "register", "eta", missing.toString());
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("no model file at " + missing);
  }

  @Test
  void badNameIsAUsageError() {
    Cli.Result result = Cli.run("models", "register", "Eta Model", model.toString());
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("'Eta Model'");
  }

  @Test
  void unknownModelsAndVersionsAreUsageErrors() {
    assertThat(Cli.run("models", "register", "eta", model.toString()).exitCode()).isZero();

    Cli.Result nosuch = Cli.run("models", "show", "nosuch");
    assertThat(nosuch.exitCode()).as(nosuch.toString()).isEqualTo(2);
    assertThat(nosuch.err()).contains("'nosuch'").contains("registered: eta");

    Cli.Result version = Cli.run("models", "show", "eta@9");
    assertThat(version.exitCode()).as(version.toString()).isEqualTo(2);
    assertThat(version.err()).contains("eta@9").contains("1..1");

    Cli.Result malformed = Cli.run("models", "show", "eta@x");
    assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(2);
  }

  @Test
  void modelsAlonePrintsUsage() {
    Cli.Result result = Cli.run("models");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("register")
        .contains("list")
        .contains("show")
        .contains("Usage:");
  }
}
