package io.lakebatch.catalog.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests of the run identity: these specs give these keys. A change that moves a key breaks
 * the resume of every unfinished run; if it is wanted, bump {@link RunIdentity#ENCODING} and update
 * the keys here on purpose.
 */
class RunIdentityTest {
  private static final String SHA = "9f2c".repeat(16);
  private static final TablePaths PATHS =
      new TablePaths(
          "file:/data/orders", "file:/out/eta_scores", "file:/out/eta_scores_dead_letter");

  private static final String BASE =
      """
      name: eta-scoring
      model:
        path: models/eta.onnx
        inputs:
          features: [f0, f1, f2]
        outputs:
          score: eta_minutes
      input:
        format: delta
        path: data/orders
        filter: "dt = '2026-11-21'"
        carry: [order_id]
      output:
        path: out/eta_scores
      """;

  private static RunIdentity identity(String yaml) {
    return RunIdentity.of(JobSpecParser.parse(yaml, "job.yaml", false), PATHS, SHA);
  }

  @Test
  void canonicalEncodingIsPinned() {
    assertThat(identity(BASE).canonicalJob())
        .isEqualTo(
            "{\"encoding\":\"lakebatch.run-identity/1\","
                + "\"input\":{\"carry\":[\"order_id\"],\"filter\":\"dt = '2026-11-21'\",\"format\":\"delta\","
                + "\"path\":\"file:/data/orders\",\"version\":null},"
                + "\"model\":{\"inputs\":{\"features\":{\"columns\":[\"f0\",\"f1\",\"f2\"]}},\"outputs\":{\"score\":\"eta_minutes\"},"
                + "\"sha256\":\""
                + SHA
                + "\"},\"name\":\"eta-scoring\","
                + "\"output\":{\"dead-letter\":\"file:/out/eta_scores_dead_letter\",\"mode\":\"append\","
                + "\"path\":\"file:/out/eta_scores\"},\"rows-per-chunk\":2000000}");
  }

  @Test
  void goldenKeys() {
    RunIdentity base = identity(BASE);
    assertThat(base.jobKey())
        .isEqualTo("4c5d529ec469fd5824721c6102a1cc27a8f1c84fd6854da3e353b4e3b5f13c78");
    assertThat(base.runKey(12, "ab".repeat(32))).isEqualTo("8cc45728542b1e8b");
    RunIdentity image =
        identity(
            BASE.replace("features: [f0, f1, f2]", "image: {column: pixels, shape: [3, 8, 8]}")
                .replace("    outputs:\n      score: eta_minutes\n", ""));
    assertThat(image.jobKey())
        .isEqualTo("2afe70ba5c0cd7d124f52ef4da39746d71a8833b30605289996eb05aa7180b15");
    RunIdentity text =
        identity(
            BASE.replace(
                "features: [f0, f1, f2]",
                "input_ids: {text: review, max-tokens: 64}\n    attention_mask: {mask-of: input_ids}"));
    assertThat(text.jobKey())
        .isEqualTo("1d1b0eb5a7d8af23501f121e1e2261dbb0483159b624188715c88be305905969");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "  batch-size: 64\n",
        "  batch-size: auto\n",
        "  rows-per-task: 1000\n",
        "  retries: {task: 9, chunk: 9, job: 99}\n",
        "  max-bad-row-fraction: 0.5\n",
        "  speculation: true\n"
      })
  void executionSettingsAreNotIdentity(String execution) {
    assertThat(identity(BASE + "execution:\n" + execution).jobKey())
        .isEqualTo(identity(BASE).jobKey());
  }

  @Test
  void resourcesAreNotIdentity() {
    assertThat(
            identity(
                    BASE + "resources: {master: \"local[2]\", executors: 3, executor-memory: 2g}\n")
                .jobKey())
        .isEqualTo(identity(BASE).jobKey());
  }

  static Stream<Arguments> outputDefiningChanges() {
    return Stream.of(
        Arguments.of("name: eta-scoring", "name: eta-scoring-v2"),
        Arguments.of("features: [f0, f1, f2]", "features: [f0, f2, f1]"),
        Arguments.of("score: eta_minutes", "score: eta"),
        Arguments.of("dt = '2026-11-21'", "dt = '2026-11-22'"),
        Arguments.of("carry: [order_id]", "carry: [order_id, dt]"),
        Arguments.of("format: delta", "format: parquet"),
        Arguments.of("format: delta", "format: delta\n  version: 3"),
        Arguments.of("path: out/eta_scores", "path: out/eta_scores\n  mode: overwrite"),
        Arguments.of(
            "path: out/eta_scores", "path: out/eta_scores\nexecution: {rows-per-chunk: 1000}"));
  }

  @ParameterizedTest
  @MethodSource("outputDefiningChanges")
  void outputDefiningFieldsAreIdentity(String from, String to) {
    String changed = BASE.replace(from, to);
    assertThat(changed).isNotEqualTo(BASE);
    assertThat(identity(changed).jobKey()).as(changed).isNotEqualTo(identity(BASE).jobKey());
  }

  @Test
  void modelIsIdentityBySha256() {
    JobSpec spec = JobSpecParser.parse(BASE, "job.yaml", false);
    assertThat(RunIdentity.of(spec, PATHS, "00".repeat(32)).jobKey())
        .isNotEqualTo(identity(BASE).jobKey());
    assertThat(identity(BASE.replace("models/eta.onnx", "elsewhere/eta-copy.onnx")).jobKey())
        .as("the file's path is not identity, its content is")
        .isEqualTo(identity(BASE).jobKey());
  }

  @Test
  void pathsAndPinnedInputAreIdentity() {
    JobSpec spec = JobSpecParser.parse(BASE, "job.yaml", false);
    RunIdentity otherOutput =
        RunIdentity.of(
            spec,
            new TablePaths(PATHS.input(), "file:/out/other", "file:/out/other_dead_letter"),
            SHA);
    assertThat(otherOutput.jobKey()).isNotEqualTo(identity(BASE).jobKey());
    RunIdentity base = identity(BASE);
    assertThat(base.runKey(12, "ab".repeat(32)))
        .isNotEqualTo(base.runKey(13, "ab".repeat(32)))
        .isNotEqualTo(base.runKey(12, "cd".repeat(32)));
  }

  @Test
  void orderOfModelInputsDoesNotMatter() {
    String idsFirst =
        BASE.replace("features: [f0, f1, f2]", "ids: {column: a}\n    mask: {column: b}");
    String maskFirst =
        BASE.replace("features: [f0, f1, f2]", "mask: {column: b}\n    ids: {column: a}");
    assertThat(identity(idsFirst).canonicalJob()).isEqualTo(identity(maskFirst).canonicalJob());
  }
}
