package io.lakebatch.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the build wrote into {@code build.properties} (filtered from the root pom, where the version
 * and Spark's Java 17 module flags are written once).
 */
public final class BuildInfo {
  private static final Properties PROPERTIES = load();

  private BuildInfo() {}

  /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return PROPERTIES.getProperty("version");
  }

  /**
   * Spark's module flags for Java 17 (FACTS.md): every JVM that hosts a driver or executor needs
   * them.
   */
  public static List<String> jvmModuleFlags() {
    return Arrays.stream(PROPERTIES.getProperty("jvm.module.flags").trim().split("\\s+")).toList();
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "build.properties is missing from the jobs module's classes");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties", e);
    }
    if (properties.getProperty("version", "").contains("${")) {
      throw new IllegalStateException("build.properties was not filtered by the build");
    }
    return properties;
  }
}
