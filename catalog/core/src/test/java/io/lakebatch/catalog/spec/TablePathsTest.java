package io.lakebatch.catalog.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TablePathsTest {

  static Stream<Arguments> legal() {
    return Stream.of(
        Arguments.of("siblings", "file:/d/in", "file:/d/out", "file:/d/out_dead_letter"),
        Arguments.of(
            "sibling with the input's name as prefix",
            "file:/d/in",
            "file:/d/in2",
            "file:/d/in_bad"),
        Arguments.of(
            "sibling with the output's name as prefix",
            "file:/d/in",
            "file:/d/out",
            "file:/d/out2"),
        Arguments.of("same path in another bucket", "s3a://b1/x", "s3a://b2/x", "s3a://b3/x"),
        Arguments.of("same path on another scheme", "hdfs://nn:8020/x", "file:/x", "s3a://b/x"),
        Arguments.of(
            "same path on another name node", "hdfs://nn1/x", "hdfs://nn2/x", "hdfs://nn2/y"),
        Arguments.of(
            "output below a sibling of the input",
            "file:/d/in",
            "file:/d/out/scores",
            "file:/d/bad"),
        Arguments.of(
            "paths with spaces", "file:/d/my in", "file:/d/my out", "file:/d/my out_dead_letter"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legal")
  void acceptsLocationsThatAreApart(String name, String input, String output, String deadLetter) {
    TablePaths paths = new TablePaths(input, output, deadLetter);
    assertThat(paths.input()).isEqualTo(input);
    assertThat(paths.output()).isEqualTo(output);
    assertThat(paths.deadLetter()).isEqualTo(deadLetter);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "output is the input",
            "file:/d/t",
            "file:/d/t",
            "file:/d/bad",
            "output.path",
            "is the same location as input.path file:/d/t"),
        Arguments.of(
            "output is the input (file:/// spelling)",
            "file:///d/t",
            "file:/d/t",
            "file:/d/bad",
            "output.path",
            "is the same location as input.path file:///d/t"),
        Arguments.of(
            "output inside the input",
            "file:/d/in",
            "file:/d/in/out",
            "file:/d/bad",
            "output.path",
            "is inside input.path file:/d/in"),
        Arguments.of(
            "input inside the output",
            "s3a://b/out/in",
            "s3a://b/out",
            "s3a://b/bad",
            "output.path",
            "contains input.path s3a://b/out/in"),
        Arguments.of(
            "output at the root above the input",
            "s3a://b/in",
            "s3a://b/",
            "s3a://c/bad",
            "output.path",
            "contains input.path s3a://b/in"),
        Arguments.of(
            "dead-letter is the output",
            "file:/d/in",
            "file:/d/out",
            "file:/d/out",
            "output.dead-letter",
            "is the same location as output.path file:/d/out"),
        Arguments.of(
            "dead-letter inside the output",
            "file:/d/in",
            "file:/d/out",
            "file:/d/out/_bad",
            "output.dead-letter",
            "is inside output.path file:/d/out"),
        Arguments.of(
            "dead-letter above the output",
            "file:/d/in",
            "file:/d/bad/out",
            "file:/d/bad",
            "output.dead-letter",
            "contains output.path file:/d/bad/out"),
        Arguments.of(
            "dead-letter is the input",
            "file:/d/in",
            "file:/d/out",
            "file:/d/in",
            "output.dead-letter",
            "is the same location as input.path file:/d/in"),
        Arguments.of(
            "dead-letter inside the input",
            "hdfs://nn/in",
            "hdfs://nn/out",
            "hdfs://nn/in/bad",
            "output.dead-letter",
            "is inside input.path hdfs://nn/in"),
        Arguments.of(
            "dead-letter above the input",
            "hdfs://nn/x/in",
            "hdfs://nn/out",
            "hdfs://nn/x",
            "output.dead-letter",
            "contains input.path hdfs://nn/x/in"),
        Arguments.of(
            "scheme spelled in capitals",
            "FILE:/d/t",
            "file:/d/t/o",
            "file:/d/bad",
            "output.path",
            "is inside input.path FILE:/d/t"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesOverlapNamingTheFieldBothLocationsAndWhatToDo(
      String name, String input, String output, String deadLetter, String field, String relation) {
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class, () -> new TablePaths(input, output, deadLetter));

    assertThat(e).isNotNull();
    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.getMessage()).startsWith(field + ": ").contains(relation).contains("choose a");
  }

  @Test
  void messageForNestedOutputReadsWell() {
    assertThatThrownBy(
            () -> new TablePaths("file:/data/orders", "file:/data/orders/scores", "file:/data/bad"))
        .hasMessage(
            "output.path: file:/data/orders/scores is inside input.path file:/data/orders; a job must not"
                + " write into the table it reads, nor read the table it writes: choose an output path outside"
                + " file:/data/orders that does not contain it");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/d/out",
        "d/out",
        "file:d/out",
        "file:/d/out/",
        "file:/d//out",
        "file:/d/./out",
        "file:/d/../out",
        ""
      })
  void refusesUnqualifiedLocationsAsACallersBug(String output) {
    assertThatThrownBy(() -> new TablePaths("file:/d/in", output, "file:/d/bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output");
  }
}
