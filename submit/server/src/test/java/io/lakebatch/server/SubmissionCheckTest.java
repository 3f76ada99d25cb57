package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.FieldError;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.Priority;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SubmissionCheckTest {
  private static String spec(String model, String input, String output) {
    return """
        name: scores
        priority: high
        model:
          path: %s
          inputs: {features: [f0, f1]}
        input: {path: %s}
        output: {path: %s}
        resources: {executors: 2, executor-cores: 3}
        """
        .formatted(model, input, output);
  }

  @Test
  void pathsInsideThePrefixesPassAndPriorityAndCoresAreRead() {
    JobSpec spec =
        SubmissionCheck.parse(spec("/data/a/m.onnx", "/data/a/in", "/data/a/out"), false);

    SubmissionCheck.checkPaths(spec, List.of("/data/a"), "a");
    assertThat(spec.priority().priorityClass()).isEqualTo(Priority.HIGH);
    assertThat(SubmissionCheck.cores(spec)).isEqualTo(6);
  }

  @Test
  void traversalOutOfThePrefixIsRefusedNamingEveryField() {
    JobSpec spec =
        SubmissionCheck.parse(
            spec("/data/a/../b/m.onnx", "file:/data/a/./in", "/data/ab/out"), false);

    assertThatThrownBy(() -> SubmissionCheck.checkPaths(spec, List.of("/data/a/"), "a"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              @SuppressWarnings("unchecked")
              List<FieldError> errors = (List<FieldError>) p.body().get("errors");
              assertThat(errors)
                  .extracting(FieldError::field)
                  .containsExactly("model.path", "output.path", "output.dead-letter");
            });
  }

  @Test
  void anInvalidSpecIsA400WithTheFieldPath() {
    assertThatThrownBy(
            () ->
                SubmissionCheck.parse(
                    spec("/m.onnx", "/in", "/out").replace("priority: high", "priority: urgent"),
                    false))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              assertThat(p.body()).containsEntry("status", 400);
              assertThat(p.body().get("errors").toString()).contains("field=priority");
            });
    assertThatThrownBy(() -> SubmissionCheck.parse("{\"name\": \"x\", \"colour\": 1}", true))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(((List<?>) p.body().get("errors")).toString()).contains("colour"));
  }

  @Test
  void aSpecWithSeveralErrorsIsOne400WithAnEntryForEach() {
    String body =
        spec("/m.onnx", "/in", "/out")
                .replace("priority: high", "priority: urgent")
                .replace("executors: 2", "executors: 0")
                .replace("input: {path: /in}", "input: {format: csv, path: /in}")
            + "colour: blue\n";

    assertThatThrownBy(() -> SubmissionCheck.parse(body, false))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              assertThat(p.body().get("detail").toString()).startsWith("job spec has 4 errors:");
              @SuppressWarnings("unchecked")
              List<FieldError> errors = (List<FieldError>) p.body().get("errors");
              assertThat(errors)
                  .containsExactly(
                      new FieldError(
                          "colour",
                          "unknown key; allowed keys here are [depends-on, execution, input, model,"
                              + " name, output, priority, resources]"),
                      new FieldError("input.format", "must be one of [delta, parquet], got 'csv'"),
                      new FieldError("resources.executors", "must be at least 1, got 0"),
                      new FieldError(
                          "priority",
                          "must be high, normal or low, optionally with a value 0 to 99 within"
                              + " the class (high:50), got 'urgent'"));
            });
  }

  @Test
  void bodyDigestIsStable() {
    assertThat(io.lakebatch.catalog.spec.RunIdentity.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
