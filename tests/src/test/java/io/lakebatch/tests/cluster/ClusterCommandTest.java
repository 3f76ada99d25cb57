package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebatch.submit.LakeBatchCli;
import io.lakebatch.submit.cluster.StandaloneCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakebatch cluster start|status|stop} against one state folder, as separate invocations
 * would.
 */
class ClusterCommandTest {
  @TempDir static Path folder;

  @AfterAll
  static void stopWhateverIsLeft() throws IOException {
    StandaloneCluster.stop(folder.resolve("cluster"));
    ClusterJobs.removeJarLinks(folder.resolve("cluster"));
  }

  /** What one {@code lakebatch} invocation printed and returned. */
  private record Invocation(int exitCode, String out, String err) {}

  @Test
  void startStatusSecondStartAndStop() throws Exception {
    String dir = folder.resolve("cluster").toString();

    Invocation start = lakebatch("cluster", "start", "--dir", dir, "--workers", "1");
    assertThat(start.exitCode()).as(start.err()).isZero();
    StandaloneCluster started = StandaloneCluster.attach(Path.of(dir)).orElseThrow();
    assertThat(start.out())
        .contains("--master " + started.masterUrl())
        .contains("alive workers  1 of 1");
    List<Long> pids = recordedPids(Path.of(dir));
    assertThat(pids).hasSize(2);

    Invocation status = lakebatch("cluster", "status", "--dir", dir);
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out())
        .contains(started.masterUrl())
        .contains(started.webUiUrl())
        .contains("alive workers  1 of 1");

    Invocation again = lakebatch("cluster", "start", "--dir", dir, "--workers", "1");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err())
        .contains("a cluster is already running in " + dir)
        .contains("lakebatch cluster stop");
    assertThat(recordedPids(Path.of(dir))).as("the running cluster is left alone").isEqualTo(pids);

    Invocation stop = lakebatch("cluster", "stop", "--dir", dir);
    assertThat(stop.exitCode()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("stopped the cluster in " + dir);
    assertThat(pids).noneMatch(ClusterCommandTest::running);
    assertThat(Path.of(dir, "cluster.json")).doesNotExist();

    Invocation statusAfter = lakebatch("cluster", "status", "--dir", dir);
    assertThat(statusAfter.exitCode()).isEqualTo(2);
    assertThat(statusAfter.err()).contains("no cluster is running in " + dir);
    assertThat(lakebatch("cluster", "stop", "--dir", dir).exitCode())
        .as("stop is idempotent")
        .isZero();
  }

  @Test
  void badOptionsAreUsageErrors() {
    Path dir = folder.resolve("unused");
    Invocation noWorkers = lakebatch("cluster", "start", "--dir", dir.toString(), "--workers", "0");
    assertThat(noWorkers.exitCode()).isEqualTo(2);
    assertThat(noWorkers.err()).contains("--workers '0'");
    Invocation tinyWorkers =
        lakebatch("cluster", "start", "--dir", dir.toString(), "--worker-memory", "64m");
    assertThat(tinyWorkers.exitCode()).isEqualTo(2);
    assertThat(tinyWorkers.err()).contains("--worker-memory '64m'");
    assertThat(lakebatch("cluster").exitCode()).isEqualTo(2);
    assertThat(dir.resolve("cluster.json")).doesNotExist();
  }

  private static Invocation lakebatch(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = LakeBatchCli.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    Invocation invocation =
        new Invocation(
            code,
            outBytes.toString(StandardCharsets.UTF_8),
            errBytes.toString(StandardCharsets.UTF_8));
    System.out.printf(
        "lakebatch %s -> %d%n%s%s",
        String.join(" ", args), code, invocation.out(), invocation.err());
    return invocation;
  }

  /** The pids {@code cluster.json} records: the master's and each worker's. */
  private static List<Long> recordedPids(Path dir) throws IOException {
    JsonNode state = new ObjectMapper().readTree(dir.resolve("cluster.json").toFile());
    List<Long> pids = new ArrayList<>();
    pids.add(state.path("master").path("pid").asLong());
    state.path("workers").forEach(worker -> pids.add(worker.path("pid").asLong()));
    return pids;
  }

  /** Alive and not a zombie waiting to be reaped. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }
}
