package io.lakebatch.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.submit.cluster.ClusterClasspath;
import io.lakebatch.submit.cluster.ClusterOptions;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classpath a cluster is started with, and its options: no cluster needed. */
class ClusterClasspathTest {
  @TempDir Path folder;

  @Test
  void aManifestOnlyJarIsReplacedByTheEntriesItNames() throws IOException {
    Path lib = Files.createDirectories(folder.resolve("lib"));
    Path a = jar(lib.resolve("a.jar"), null, "a/A.class");
    Path b = jar(lib.resolve("b.jar"), null, "b/B.class");
    Path classes = Files.createDirectories(folder.resolve("classes"));
    // surefire writes absolute file URIs; a launcher jar may write relative ones
    Path booter =
        jar(
            folder.resolve("booter.jar"),
            "lib/a.jar " + b.toUri() + " " + classes.toUri() + " lib/gone.jar",
            null);

    assertThat(ClusterClasspath.parse(booter + File.pathSeparator + a))
        .containsExactly(a, b, classes);
  }

  @Test
  void aJarWithClassesAndAClassPathKeepsBoth() throws IOException {
    Path dependency = jar(folder.resolve("dependency.jar"), null, "d/D.class");
    Path application = jar(folder.resolve("application.jar"), "dependency.jar", "app/Main.class");

    assertThat(ClusterClasspath.parse(application.toString()))
        .containsExactly(application, dependency);
  }

  @Test
  void thisJvmsClasspathHasTheLakeBatchJarsExecutorsNeed() {
    ClusterJobs.requireLakeBatchJars();
    assertThat(ClusterClasspath.ofThisJvm())
        .noneMatch(p -> p.getFileName().toString().startsWith("surefirebooter"));
  }

  @Test
  void optionsOutOfRangeAreUsageErrors() {
    assertThat(ClusterOptions.defaults())
        .satisfies(
            o -> {
              assertThat(o.workers()).isEqualTo(2);
              assertThat(o.workerCores()).isEqualTo(1);
              assertThat(o.workerMemory()).isEqualTo("1g");
              assertThat(o.lifetime()).isEqualTo(ClusterOptions.Lifetime.DETACHED);
            });
    assertThat(ClusterOptions.defaults().withWorkerMemory("768M").workerMemory()).isEqualTo("768m");
    for (Runnable bad :
        new Runnable[] {
          () -> ClusterOptions.defaults().withWorkers(0),
          () -> ClusterOptions.defaults().withWorkerCores(0),
          () -> ClusterOptions.defaults().withWorkerMemory("256m"),
          () -> ClusterOptions.defaults().withWorkerMemory("1024"),
          () -> ClusterOptions.defaults().withWorkerMemory("1.5g")
        }) {
      LakeBatchException e = catchThrowableOfType(LakeBatchException.class, bad::run);
      assertThat(e).isNotNull();
      assertThat(e.category()).isEqualTo(ErrorCategory.USER);
      assertThat(e.getMessage()).startsWith("invalid --");
    }
  }

  private static Path jar(Path file, String classPath, String entry) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      if (entry != null) {
        jar.putNextEntry(new JarEntry(entry));
        jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
        jar.closeEntry();
      }
    }
    return file;
  }
}
