package io.lakebatch.submit.cluster;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The classpath a cluster runs with, as a list of entries. A manifest-only jar (surefire's booter
 * jar, a launcher jar) is replaced by the entries its {@code Class-Path} names, so the real jars
 * are found; entries that do not exist are dropped.
 */
public final class ClusterClasspath {
  private ClusterClasspath() {}

  /** The entries of this JVM's {@code java.class.path}, manifest-only jars expanded. */
  public static List<Path> ofThisJvm() {
    return parse(System.getProperty("java.class.path", ""));
  }

  /**
   * The entries of a {@code File.pathSeparator}-separated classpath, manifest-only jars expanded.
   */
  public static List<Path> parse(String classpath) {
    Set<Path> entries = new LinkedHashSet<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        add(Path.of(entry).toAbsolutePath().normalize(), entries, new LinkedHashSet<>());
      }
    }
    return List.copyOf(entries);
  }

  /** The jar files among {@code entries}, in order; folders cannot be linked into a Spark home. */
  static List<Path> jars(List<Path> entries) {
    return entries.stream().filter(ClusterClasspath::isJar).toList();
  }

  /** The entries that are not jars (folders of classes): executors will not see them. */
  static List<Path> nonJars(List<Path> entries) {
    return entries.stream().filter(p -> !isJar(p)).toList();
  }

  private static boolean isJar(Path entry) {
    return Files.isRegularFile(entry) && entry.getFileName().toString().endsWith(".jar");
  }

  private static void add(Path entry, Set<Path> entries, Set<Path> expanding) {
    if (!Files.exists(entry) || entries.contains(entry) || !expanding.add(entry)) {
      return;
    }
    if (!isJar(entry)) {
      entries.add(entry);
      return;
    }
    List<Path> referenced = new ArrayList<>();
    boolean manifestOnly;
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest manifest = jar.getManifest();
      String classPath =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath != null) {
        URI base = entry.getParent().toUri();
        for (String reference : classPath.trim().split("\\s+")) {
          if (!reference.isEmpty()) {
            referenced.add(Path.of(base.resolve(reference)).normalize());
          }
        }
      }
      manifestOnly =
          jar.stream()
              .map(JarEntry::getName)
              .allMatch(name -> name.startsWith("META-INF/") || name.endsWith("/"));
    } catch (IOException | IllegalArgumentException e) {
      // not a readable jar or a reference that is not a file URI: keep the entry as it is
      entries.add(entry);
      return;
    }
    if (!(manifestOnly && !referenced.isEmpty())) {
      entries.add(entry);
    }
    for (Path reference : referenced) {
      add(reference, entries, expanding);
    }
  }
}
