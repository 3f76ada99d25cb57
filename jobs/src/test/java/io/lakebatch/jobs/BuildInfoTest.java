package io.lakebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BuildInfoTest {
  @Test
  void versionAndModuleFlagsComeFromTheBuild() {
    assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    // the flags this very JVM was started with by surefire: one definition, in the root pom
    assertThat(BuildInfo.jvmModuleFlags())
        .contains(
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false")
        .allMatch(flag -> flag.startsWith("-"));
    assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        .containsAll(BuildInfo.jvmModuleFlags());
    assertThat(SparkSessionFactory.JAVA_MODULE_FLAGS).isEqualTo(BuildInfo.jvmModuleFlags());
  }
}
