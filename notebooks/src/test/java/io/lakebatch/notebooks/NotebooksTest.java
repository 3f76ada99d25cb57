package io.lakebatch.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Executes every notebook headless, as a data scientist's "Run All" would: {@code jupyter nbconvert
 * --execute} (Debian's Jupyter on {@code /usr/bin/python3}) with the LakeBatch Java kernel, whose
 * spec {@code notebooks/jupyter.sh kernel} installs under {@code notebooks/target/jupyter} (never
 * the user's home). A notebook passes when nbconvert exits 0, no cell of the executed copy ({@code
 * notebooks/target/executed}) has an error output, and its checking cells printed every "check
 * passed" line listed here and the closing "all checks passed". 04-server starts its own server in
 * the kernel ({@code LAKEBATCH_SERVER} is removed from the kernel's environment).
 *
 * <p>The kernel JVMs run with {@code JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1}: on tiny data a
 * notebook is start-up bound, and C1 alone cuts its time by about a third on 2 cores.
 */
class NotebooksTest {
  private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
  private static final String KERNEL = "lakebatch-java";
  private static final Duration NOTEBOOK_TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KERNEL_START_RACE = "Kernel didn't respond in";
  private static final int KERNEL_STARTS = 3;

  /** Per notebook, the checks it must report passed (besides the closing line). */
  private static final Map<String, List<String>> CHECKS =
      Map.of(
          "01-quickstart",
          List.of(
              "the input table has 20000 rows",
              "the run SUCCEEDED",
              "every chunk is done",
              "output rows = input rows (20000)",
              "every input id once",
              "every row has a score"),
          "02-score-a-dataframe",
          List.of(
              "score(df) keeps every row",
              "a bad row has a NULL score",
              "lakebatch_predict gives NULL for the bad rows",
              "score(df) and lakebatch_predict agree on every row",
              "the histogram holds every scored row"),
          "03-registry-and-lineage",
          List.of(
              "churn has two versions",
              "the versions disagree on most rows (different models)",
              "churn@1 scores as its registered file",
              "the churn@2 run SUCCEEDED",
              "the table's current version was written by the run",
              "lineage names the model churn@2",
              "lineage pins churn@2's exact file (SHA-256)"),
          "04-server",
          List.of(
              "the server is ready",
              "the job is accepted (202)",
              "the driver log has lines",
              "the job SUCCEEDED",
              "every chunk is COMMITTED",
              "the output has every input row once",
              "the server no longer answers"));

  private static Path module;
  private static Map<String, String> jupyterEnvironment;
  @TempDir static Path folder;

  @BeforeAll
  static void installTheKernel() throws Exception {
    module =
        Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    requireJupyter();
    ProcessBuilder kernel =
        new ProcessBuilder(module.resolve("jupyter.sh").toString(), "kernel")
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    kernel.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = kernel.start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("jupyter.sh kernel ended").isTrue();
    assertThat(process.exitValue()).as("jupyter.sh kernel: %s", printed).isZero();
    jupyterEnvironment = new LinkedHashMap<>();
    printed
        .lines()
        .filter(line -> line.startsWith("JUPYTER_"))
        .forEach(line -> jupyterEnvironment.put(line.split("=", 2)[0], line.split("=", 2)[1]));
    assertThat(jupyterEnvironment).containsKey("JUPYTER_PATH");
    assertThat(Path.of(jupyterEnvironment.get("JUPYTER_PATH"), "kernels", KERNEL, "kernel.json"))
        .isRegularFile()
        .startsWith(module.resolve("target"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"01-quickstart", "02-score-a-dataframe", "03-registry-and-lineage", "04-server"})
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void theNotebookRunsTopToBottomAndItsChecksPass(String name) throws Exception {
    Path notebook = module.resolve(name + ".ipynb");
    Path executed = module.resolve("target/executed");
    Files.createDirectories(executed);
    Files.deleteIfExists(executed.resolve(name + ".ipynb"));
    Path log = executed.resolve(name + ".log");
    Path workingDirectory = Files.createDirectories(folder.resolve(name));

    ProcessBuilder nbconvert =
        new ProcessBuilder(
                JUPYTER.toString(),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=600",
                "--ExecutePreprocessor.kernel_name=" + KERNEL,
                "--output-dir",
                executed.toString(),
                notebook.toString())
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = nbconvert.environment();
    env.putAll(jupyterEnvironment);
    env.put("LAKEBATCH_NOTEBOOK_WORK", workingDirectory.resolve("work").toString());
    env.put("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1");
    env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1"); // the kernel client's debugger warning
    env.remove("LAKEBATCH_SERVER");
    env.remove("LAKEBATCH_TOKEN");
    env.remove("PYTHONPATH");

    long started = System.nanoTime();
    Execution run = execute(nbconvert);
    String output = Files.readString(log);
    for (int attempt = 2;
        attempt <= KERNEL_STARTS
            && run.ended()
            && run.process().exitValue() != 0
            && output.contains(KERNEL_START_RACE);
        attempt++) {
      // rapaio-jupyter-kernel 3.0.1 can take the client's first kernel_info_request before its
      // handlers are set; its shell thread then dies and no cell ever runs, so a new start is safe.
      System.out.println(name + ": the kernel lost its start-up race; start " + attempt);
      started = System.nanoTime();
      run = execute(nbconvert);
      output = Files.readString(log);
    }
    boolean ended = run.ended();
    Process process = run.process();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String tail = tail(output, 60);
    assertThat(ended)
        .as("%s ended within %s; nbconvert's output:%n%s", name, NOTEBOOK_TIMEOUT, tail)
        .isTrue();
    assertThat(process.exitValue()).as("nbconvert's exit code; its output:%n%s", tail).isZero();

    JsonNode result = JSON.readTree(executed.resolve(name + ".ipynb").toFile());
    List<String> errors = new ArrayList<>();
    StringBuilder printed = new StringBuilder();
    for (JsonNode cell : result.get("cells")) {
      for (JsonNode out : cell.path("outputs")) {
        String type = out.path("output_type").asText();
        if (type.equals("error")) {
          errors.add(out.path("ename").asText() + ": " + out.path("evalue").asText());
        }
        if (type.equals("stream")) {
          printed.append(text(out.path("text")));
        }
      }
    }
    assertThat(errors).as("error outputs in the executed %s", name).isEmpty();
    for (String check : CHECKS.get(name)) {
      assertThat(printed.toString())
          .as("the executed %s printed", name)
          .contains("check passed: " + check + "\n");
    }
    assertThat(printed.toString()).doesNotContain("check failed");
    assertThat(printed.toString()).contains("notebook " + name + ": all checks passed");

    String timing = String.format("%s: %.1f s%n", name, took.toMillis() / 1000.0);
    System.out.print("executed notebook " + timing);
    Files.writeString(
        executed.resolve("timings.txt"),
        timing,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private record Execution(Process process, boolean ended) {}

  private static Execution execute(ProcessBuilder nbconvert) throws Exception {
    Process process = nbconvert.start();
    boolean ended = process.waitFor(NOTEBOOK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    return new Execution(process, ended);
  }

  /** Fails (does not skip) when Debian's Jupyter cannot run nbconvert. */
  private static void requireJupyter() throws IOException, InterruptedException {
    String hint = "run tests/scripts/jupyter.sh ensure (installs Debian's Jupyter with apt-get)";
    if (!Files.isExecutable(JUPYTER)) {
      fail(JUPYTER + " is missing: " + hint);
    }
    Process probe =
        new ProcessBuilder(JUPYTER.toString(), "nbconvert", "--version")
            .redirectErrorStream(true)
            .start();
    String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      probe.destroyForcibly();
      fail(JUPYTER + " nbconvert does not run (" + said.strip() + "): " + hint);
    }
  }

  /** A stream output's text: a string or, as nbformat also allows, a list of lines. */
  private static String text(JsonNode text) {
    if (text.isArray()) {
      StringBuilder joined = new StringBuilder();
      text.forEach(line -> joined.append(line.asText()));
      return joined.toString();
    }
    return text.asText();
  }

  private static String tail(String output, int lines) {
    List<String> all = output.lines().filter(line -> !line.startsWith("Add ")).toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
