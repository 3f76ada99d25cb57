package io.lakebatch.catalog.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobSpecBuilderTest {
  /** Every key of SPEC.md set, none left to its default. */
  private static final String EVERY_FIELD =
      """
      name: eta-scoring
      model:
        path: models/eta.onnx
        inputs:
          features: [f0, f1, f2]
          image: {column: pixels, shape: [3, 224, 224]}
          input_ids: {text: review, max-tokens: 64}
          attention_mask: {mask-of: input_ids}
        outputs:
          score: eta_minutes
          probs: eta_probs
      input:
        format: delta
        path: data/orders
        version: 12
        filter: "dt = '2026-11-21'"
        carry: [order_id, dt]
      output:
        path: out/eta_scores
        mode: overwrite
        dead-letter: out/eta_scores_bad
      execution:
        batch-size: 512
        rows-per-task: 500000
        rows-per-chunk: 5000000
        max-bad-row-fraction: 0.05
        retries: {task: 5, chunk: 2, job: 7}
        speculation: true
      resources:
        master: spark://127.0.0.1:7077
        executors: 3
        executor-cores: 2
        executor-memory: 4g
        gpus-per-executor: 1
        execution-mode: isolated
      priority: high
      depends-on: [job-0123456789abcdef, daily-features-2026-12-03]
      """;

  private static JobSpec parse(String yaml) {
    return JobSpecParser.parse(yaml, "test", false);
  }

  private static JobSpecBuilder everyField() {
    return JobSpec.builder("eta-scoring")
        .modelPath("models/eta.onnx")
        .modelInput("features", new InputBinding.ColumnList(List.of("f0", "f1", "f2")))
        .modelInput("image", new InputBinding.ArrayColumn("pixels", List.of(3L, 224L, 224L)))
        .modelInput("input_ids", new InputBinding.TextColumn("review", OptionalInt.of(64)))
        .modelInput("attention_mask", new InputBinding.TokenMask("input_ids"))
        .modelOutput("score", "eta_minutes")
        .modelOutput("probs", "eta_probs")
        .input(TableFormat.DELTA, "data/orders")
        .inputVersion(12)
        .filter("dt = '2026-11-21'")
        .carry("order_id", "dt")
        .output("out/eta_scores")
        .mode(WriteMode.OVERWRITE)
        .deadLetter("out/eta_scores_bad")
        .batchSize(512)
        .rowsPerTask(500_000)
        .rowsPerChunk(5_000_000)
        .maxBadRowFraction(0.05)
        .retries(5, 2, 7)
        .speculation()
        .master("spark://127.0.0.1:7077")
        .executors(3)
        .executorCores(2)
        .executorMemory("4g")
        .gpusPerExecutor(1)
        .executionMode(ExecutionMode.ISOLATED)
        .priority(Priority.HIGH)
        .dependsOn("job-0123456789abcdef", "daily-features-2026-12-03");
  }

  private static JobSpecBuilder minimal() {
    return JobSpec.builder("quick")
        .modelPath("m.onnx")
        .modelInput("features", new InputBinding.ColumnList(List.of("f0")))
        .input(TableFormat.PARQUET, "in")
        .output("out");
  }

  @Test
  void builderGivesWhatTheParserGivesForEveryField() {
    JobSpec built = everyField().build();

    assertThat(built).isEqualTo(parse(EVERY_FIELD));
    assertThat(built.model().inputs().keySet())
        .containsExactly("features", "image", "input_ids", "attention_mask");
    assertThat(built.execution().speculation()).isTrue();
    assertThat(built.resources().gpusPerExecutor()).isEqualTo(1);
  }

  @Test
  void builderAppliesTheParsersDefaults() {
    JobSpec built = minimal().build();

    assertThat(built)
        .isEqualTo(
            parse(
                """
        name: quick
        model: {path: m.onnx, inputs: {features: [f0]}}
        input: {format: parquet, path: in}
        output: {path: out}
        """));
    assertThat(built.output().deadLetterPath()).isEqualTo("out" + SpecDefaults.DEAD_LETTER_SUFFIX);
    assertThat(built.execution().batchSize()).isEqualTo(BatchSize.fixed(SpecDefaults.BATCH_SIZE));
    assertThat(built.resources().master()).isEqualTo(SpecDefaults.MASTER);
  }

  @Test
  void aRegisteredModelAndAutoBatchSize() {
    JobSpec built =
        JobSpec.builder("by-ref")
            .modelRef("eta@latest")
            .modelInput("features", new InputBinding.ColumnList(List.of("f0")))
            .input(TableFormat.DELTA, "in")
            .output("out")
            .autoBatchSize()
            .build();

    assertThat(built)
        .isEqualTo(
            parse(
                """
        name: by-ref
        model: {ref: eta@latest, inputs: {features: [f0]}}
        input: {path: in}
        output: {path: out}
        execution: {batch-size: auto}
        """));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of((UnaryOperator<JobSpecBuilder>) b -> b.batchSize(0), "execution.batch-size"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.batchSize(1 << 21), "execution.batch-size"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.maxBadRowFraction(1.5),
            "execution.max-bad-row-fraction"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.retries(0, 1, 1), "execution.retries.task"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.rowsPerChunk(0), "execution.rows-per-chunk"),
        Arguments.of((UnaryOperator<JobSpecBuilder>) b -> b.inputVersion(3), "input.version"),
        Arguments.of((UnaryOperator<JobSpecBuilder>) b -> b.carry("id", "id"), "input.carry"),
        Arguments.of((UnaryOperator<JobSpecBuilder>) b -> b.output("in"), "output.path"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.deadLetter("out"), "output.dead-letter"),
        Arguments.of((UnaryOperator<JobSpecBuilder>) b -> b.modelRef("eta@3"), "model"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.modelOutput("a", "x").modelOutput("b", "x"),
            "model.outputs.b"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>)
                b -> b.modelInput("features", new InputBinding.ColumnList(List.of())),
            "model.inputs.features"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.master("mesos://x"), "resources.master"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.executorMemory("lots"),
            "resources.executor-memory"),
        Arguments.of((UnaryOperator<JobSpecBuilder>) b -> b.executors(0), "resources.executors"),
        Arguments.of(
            (UnaryOperator<JobSpecBuilder>) b -> b.gpusPerExecutor(-1),
            "resources.gpus-per-executor"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void buildErrorsNameTheFieldPath(UnaryOperator<JobSpecBuilder> change, String field) {
    assertThatThrownBy(() -> change.apply(minimal()).build())
        .isInstanceOf(LakeBatchException.class)
        .hasMessageStartingWith(field + ":")
        .satisfies(
            e -> assertThat(((LakeBatchException) e).category()).isEqualTo(ErrorCategory.USER));
  }

  @Test
  void missingPartsAreNamedToo() {
    assertThatThrownBy(
            () ->
                JobSpec.builder("Bad Name")
                    .modelPath("m.onnx")
                    .modelInput("x", new InputBinding.ColumnList(List.of("a")))
                    .input(TableFormat.DELTA, "in")
                    .output("out")
                    .build())
        .hasMessageStartingWith("name:");
    assertThatThrownBy(
            () ->
                JobSpec.builder("no-output")
                    .modelPath("m.onnx")
                    .modelInput("x", new InputBinding.ColumnList(List.of("a")))
                    .input(TableFormat.DELTA, "in")
                    .build())
        .hasMessageContaining("output");
    assertThatThrownBy(
            () ->
                JobSpec.builder("no-inputs")
                    .modelPath("m.onnx")
                    .input(TableFormat.DELTA, "in")
                    .output("out")
                    .build())
        .hasMessageStartingWith("model.inputs");
  }

  @Test
  void canonicalYamlReadsBackToTheSameSpec() {
    JobSpec tricky =
        JobSpec.builder("tricky")
            .modelPath("/models/a model: v2.onnx")
            .modelInput(
                "features",
                new InputBinding.ColumnList(List.of("true", "123", "null", "#x", "a: b")))
            .modelOutput("score", "yes")
            .input(TableFormat.DELTA, "[in]")
            .filter("x = 'a' and y = \"b\"")
            .carry("- id")
            .output("out/{x}")
            .master("local[*]")
            .executorMemory("512m")
            .build();
    for (JobSpec spec : List.of(everyField().build(), minimal().build(), tricky)) {
      String yaml = JobSpecYaml.write(spec);
      assertThat(parse(yaml)).as(yaml).isEqualTo(spec);
    }
    assertThat(JobSpecYaml.write(minimal().build()))
        .startsWith("name: quick\nmodel:\n  path: m.onnx\n");
  }
}
