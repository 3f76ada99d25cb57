package io.lakebatch.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.spec.TableFormat;
import io.lakebatch.jobs.SyntheticTableOptions;
import io.lakebatch.jobs.SyntheticTables;
import io.lakebatch.submit.LakeBatchCli;
import io.lakebatch.submit.modelgen.ModelGenerator;
import io.lakebatch.submit.modelgen.ModelKind;
import io.lakebatch.submit.modelgen.ModelOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes and messages for good and bad input (SPEC.md: 0, 1, 2, 3, 4). */
class CliExitCodeTest {
  private static final int FEATURES = 4;
  @TempDir static Path folder;
  private static SparkSession spark;
  private static Path model;
  private static Path input;

  @BeforeAll
  static void setUp() {
    System.setProperty("lakebatch.home", TestCatalog.home().toString());
    spark = LocalSpark.start();
    model = folder.resolve("mlp.onnx");
    ModelGenerator.write(ModelKind.MLP, ModelOptions.defaults().withFeatures(FEATURES), model);
    input = folder.resolve("input");
    SyntheticTables.write(
        spark,
        SyntheticTableOptions.of(3_000, FEATURES, TableFormat.DELTA).withFiles(6),
        input.toString());
  }

  @AfterAll
  static void tearDown() {
    System.clearProperty("lakebatch.home");
    spark.stop();
  }

  private static String spec(Path modelPath, String features, Path output) {
    return JobSpecs.mlp("cli", modelPath, input, "delta", output, 1_000, FEATURES)
        .replace(JobSpecs.featureList(FEATURES), features);
  }

  private static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      int code = LakeBatchCli.execute(args);
      return new Result(
          code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private record Result(int code, String out, String err) {}

  @Test
  void planPrintsChunksTasksAndSkewWithoutWriting() throws Exception {
    Path output = folder.resolve("plan-out");
    Path spec =
        JobSpecs.write(folder, "plan.yaml", spec(model, JobSpecs.featureList(FEATURES), output));
    Result result = run("plan", spec.toString());
    assertThat(result.code()).isZero();
    assertThat(result.out())
        .containsPattern("chunks +\\d+ \\(target 1,000 rows each\\)")
        .contains("est. skew")
        .contains("rows/task")
        .contains("@ version 0");
    assertThat(Files.exists(output)).isFalse();
  }

  @Test
  void runPrintsRunIdAndSummaryAndExitsZero() throws Exception {
    Path output = folder.resolve("run-out");
    Path spec =
        JobSpecs.write(folder, "run.yaml", spec(model, JobSpecs.featureList(FEATURES), output));
    Result result = run("run", spec.toString());
    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out())
        .containsPattern("run cli-[0-9a-f]{12}: \\d+ chunks, 3,000 rows")
        .contains("SUCCEEDED")
        .contains("rows out         3,000")
        .contains("dead-letter      0")
        .contains("rows/s");
  }

  @Test
  void specErrorsExitTwoAndNameTheField() throws Exception {
    Path spec =
        JobSpecs.write(
            folder, "missing-column.yaml", spec(model, "[f0, f1, f2, f65]", folder.resolve("o1")));
    Result result = run("run", spec.toString());
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("model.inputs.features: column 'f65' not in input schema");

    Path unknownKey =
        JobSpecs.write(
            folder,
            "unknown.yaml",
            spec(model, JobSpecs.featureList(FEATURES), folder.resolve("o2"))
                .replace("batch-size:", "batchsize:"));
    Result unknown = run("plan", unknownKey.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("execution.batchsize: unknown key");

    assertThat(run("run", folder.resolve("nope.yaml").toString()).code()).isEqualTo(2);
    assertThat(run("frobnicate").code()).isEqualTo(2);
  }

  @Test
  void missingOrCorruptModelIsReportedBeforeAnyWork() throws Exception {
    Path missing =
        JobSpecs.write(
            folder,
            "no-model.yaml",
            spec(
                folder.resolve("absent.onnx"),
                JobSpecs.featureList(FEATURES),
                folder.resolve("o3")));
    Result noModel = run("run", missing.toString());
    assertThat(noModel.code()).isEqualTo(2);
    assertThat(noModel.err()).contains("model.path: no model file at");

    Path corrupt = folder.resolve("corrupt.onnx");
    byte[] bytes = Files.readAllBytes(model);
    Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    Path spec =
        JobSpecs.write(
            folder,
            "corrupt.yaml",
            spec(corrupt, JobSpecs.featureList(FEATURES), folder.resolve("o4")));
    Result result = run("run", spec.toString());
    assertThat(result.code()).isEqualTo(3);
    assertThat(result.err()).contains("cannot be loaded by ONNX Runtime");
    assertThat(Files.exists(folder.resolve("o4"))).isFalse();
  }

  @Test
  void catalogProblemsGetTheirOwnMessageAndExitCodeAndWriteNothing() throws Exception {
    var runs = TestCatalog.shared().runs();
    int runsBefore =
        runs.list(
                new io.lakebatch.catalog.store.RunFilter(
                    java.util.Optional.empty(), java.util.Optional.empty(), 1000))
            .size();
    Result registered = run("models", "register", "cli-model", model.toString());
    assertThat(registered.code()).as(registered.err()).isZero();
    assertThat(registered.out()).contains("registered cli-model@1");

    String byRef =
        spec(model, JobSpecs.featureList(FEATURES), folder.resolve("o5"))
            .replace("path: " + model, "ref: cli-model@latest");
    Result ok = run("run", JobSpecs.write(folder, "ref.yaml", byRef).toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("model cli-model@1");

    Result noSuchModel =
        run(
            "run",
            JobSpecs.write(
                    folder, "no-such-model.yaml", byRef.replace("cli-model@latest", "nosuch@1"))
                .toString());
    assertThat(noSuchModel.code()).isEqualTo(2);
    assertThat(noSuchModel.err())
        .contains("model.ref: no model named 'nosuch'")
        .contains("lakebatch models register");

    Result noSuchVersion =
        run(
            "run",
            JobSpecs.write(
                    folder,
                    "no-such-version.yaml",
                    byRef.replace("cli-model@latest", "cli-model@4"))
                .toString());
    assertThat(noSuchVersion.code()).isEqualTo(2);
    assertThat(noSuchVersion.err())
        .contains("model.ref: cli-model@4 does not exist; versions 1..1 are registered");

    Path unreachableHome = folder.resolve("unreachable-home");
    Files.createDirectories(unreachableHome);
    Files.writeString(
        unreachableHome.resolve("lakebatch.yaml"),
        "catalog: {url: \"jdbc:postgresql://127.0.0.1:1/lakebatch\", user: lakebatch}\n");
    System.setProperty("lakebatch.home", unreachableHome.toString());
    Result unreachable;
    try {
      unreachable =
          run(
              "run",
              JobSpecs.write(
                      folder,
                      "unreachable.yaml",
                      spec(model, JobSpecs.featureList(FEATURES), folder.resolve("o6")))
                  .toString());
    } finally {
      System.setProperty("lakebatch.home", TestCatalog.home().toString());
    }
    assertThat(unreachable.code()).isEqualTo(5);
    assertThat(unreachable.err())
        .contains("catalog database jdbc:postgresql://127.0.0.1:1/lakebatch cannot be reached");
    assertThat(folder.resolve("o6")).doesNotExist();

    assertThat(
            runs.list(
                new io.lakebatch.catalog.store.RunFilter(
                    java.util.Optional.empty(), java.util.Optional.empty(), 1000)))
        .as("only the successful run was recorded")
        .hasSize(runsBefore + 1);
    assertThat(folder.resolve("o5")).exists();
  }
}
