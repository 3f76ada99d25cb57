package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.submit.cluster.ClusterClasspath;
import io.lakebatch.submit.cluster.ClusterOptions;
import io.lakebatch.submit.cluster.StandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster that cannot start says why and leaves nothing running or recorded. */
class ClusterStartFailureTest {
  @TempDir Path folder;

  @Test
  void aClasspathWithoutJarsIsAUsageError() throws Exception {
    Path classes = Files.createDirectories(folder.resolve("classes"));
    Path dir = folder.resolve("cluster");
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                StandaloneCluster.start(
                    dir, ClusterOptions.defaults().withClasspath(List.of(classes))));
    assertThat(e.category()).isEqualTo(ErrorCategory.USER);
    assertThat(e.getMessage()).contains("no jar for executors").contains(classes.toString());
    assertThat(dir.resolve("cluster.json")).doesNotExist();
  }

  @Test
  void aMasterThatCannotStartIsReportedWithItsLog() throws Exception {
    // a jar, but no Spark in it: the master JVM exits at once
    Path picocli =
        ClusterClasspath.ofThisJvm().stream()
            .filter(p -> p.getFileName().toString().startsWith("picocli-"))
            .findFirst()
            .orElseThrow();
    Path dir = folder.resolve("cluster");
    LakeBatchException e =
        catchThrowableOfType(
            LakeBatchException.class,
            () ->
                StandaloneCluster.start(
                    dir, ClusterOptions.defaults().withClasspath(List.of(picocli))));
    assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL);
    assertThat(e.getMessage())
        .contains("the Spark master exited with code")
        .contains(dir.resolve("master.log").toString())
        .contains("org.apache.spark.deploy.master.Master");
    assertThat(dir.resolve("cluster.json")).doesNotExist();
    assertThat(dir.resolve("worker-0.log")).doesNotExist();
    assertThat(StandaloneCluster.attach(dir)).isEmpty();
    // links removed so that the temporary folder is deleted without warnings
    ClusterJobs.removeJarLinks(dir);
  }
}
